package redis.clients.jedis.mcf;
import java.time.Duration;
import java.util.function.Supplier;
import redis.clients.jedis.Endpoint;
import redis.clients.jedis.RedisCredentials;
public class LagAwareStrategy implements HealthCheckStrategy {
    public LagAwareStrategy(Config config) {}
    public static class Config {
        public static ConfigBuilder builder(Endpoint restEndpoint, Supplier<RedisCredentials> credentials) { return null; }
    }
    public static class ConfigBuilder {
        public ConfigBuilder extendedCheckEnabled(boolean enabled) { return this; }
        public ConfigBuilder availabilityLagTolerance(Duration tolerance) { return this; }
        public Config build() { return null; }
    }
}
