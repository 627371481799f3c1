package io.lettuce.core.failover.health;
import io.lettuce.core.RedisURI;
public interface HealthCheckStrategySupplier {
    HealthCheckStrategy get(RedisURI uri, Object options);
}
