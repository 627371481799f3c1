package io.lettuce.core.failover.health;
public class PingStrategy implements HealthCheckStrategy {
    public static final HealthCheckStrategySupplier DEFAULT = null;
}
