package io.lettuce.core.failover.health;
import io.lettuce.core.RedisCredentials;
import java.net.URI;
import java.time.Duration;
import java.util.function.Supplier;
public class LagAwareStrategy implements HealthCheckStrategy {
    public LagAwareStrategy(Config config) {}
    public static class Config {
        public static ConfigBuilder builder(URI restEndpoint, Supplier<RedisCredentials> credentials) { return null; }
    }
    public static class ConfigBuilder {
        public ConfigBuilder availabilityLagTolerance(Duration tolerance) { return this; }
        public Config build() { return null; }
    }
}
