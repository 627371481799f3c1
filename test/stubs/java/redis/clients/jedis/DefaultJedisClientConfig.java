package redis.clients.jedis;
import redis.clients.jedis.authentication.AuthXManager;
public class DefaultJedisClientConfig implements JedisClientConfig {
    public static Builder builder() { return null; }
    public static class Builder {
        public Builder ssl(boolean ssl) { return this; }
        public Builder password(String password) { return this; }
        public Builder authXManager(AuthXManager manager) { return this; }
        public DefaultJedisClientConfig build() { return null; }
    }
}
