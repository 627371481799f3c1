package io.lettuce.core.failover.health;
public interface HealthCheckStrategy {}
