package redis.clients.jedis;
public class DefaultRedisCredentials implements RedisCredentials {
    public DefaultRedisCredentials(String user, String password) {}
}
