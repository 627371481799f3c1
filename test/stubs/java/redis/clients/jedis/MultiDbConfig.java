package redis.clients.jedis;
import redis.clients.jedis.mcf.HealthCheckStrategy;
public class MultiDbConfig {
    public static Builder builder() { return null; }
    public interface StrategySupplier {
        HealthCheckStrategy get(HostAndPort hostAndPort, JedisClientConfig clientConfig);
    }
    public static class Builder {
        public Builder database(DatabaseConfig database) { return this; }
        public Builder failureDetector(CircuitBreakerConfig config) { return this; }
        public Builder failbackSupported(boolean supported) { return this; }
        public Builder failbackCheckInterval(long ms) { return this; }
        public Builder gracePeriod(long ms) { return this; }
        public MultiDbConfig build() { return null; }
    }
    public static class DatabaseConfig {
        public static Builder builder(Endpoint endpoint, JedisClientConfig clientConfig) { return null; }
        public static class Builder {
            public Builder weight(float weight) { return this; }
            public Builder healthCheckStrategySupplier(StrategySupplier supplier) { return this; }
            public DatabaseConfig build() { return null; }
        }
    }
    public static class CircuitBreakerConfig {
        public static Builder builder() { return null; }
        public static class Builder {
            public Builder slidingWindowSize(int seconds) { return this; }
            public Builder failureRateThreshold(float percent) { return this; }
            public CircuitBreakerConfig build() { return null; }
        }
    }
}
