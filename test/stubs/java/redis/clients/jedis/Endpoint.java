package redis.clients.jedis;
public interface Endpoint {}
