package redis.clients.jedis;
public interface JedisClientConfig {}
