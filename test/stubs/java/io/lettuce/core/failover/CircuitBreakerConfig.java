package io.lettuce.core.failover;
public class CircuitBreakerConfig {
    public static Builder builder() { return null; }
    public static class Builder {
        public Builder metricsWindowSize(int seconds) { return this; }
        public Builder failureRateThreshold(float percent) { return this; }
        public CircuitBreakerConfig build() { return null; }
    }
}
