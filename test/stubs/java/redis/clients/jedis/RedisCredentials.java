package redis.clients.jedis;
public interface RedisCredentials {}
