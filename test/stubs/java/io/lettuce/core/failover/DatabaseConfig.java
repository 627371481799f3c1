package io.lettuce.core.failover;
import io.lettuce.core.RedisURI;
import io.lettuce.core.failover.health.HealthCheckStrategySupplier;
public class DatabaseConfig {
    public static Builder builder(RedisURI uri) { return null; }
    public static class Builder {
        public Builder weight(float weight) { return this; }
        public Builder circuitBreakerConfig(CircuitBreakerConfig config) { return this; }
        public Builder healthCheckStrategySupplier(HealthCheckStrategySupplier supplier) { return this; }
        public DatabaseConfig build() { return null; }
    }
}
