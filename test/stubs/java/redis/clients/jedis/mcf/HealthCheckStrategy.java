package redis.clients.jedis.mcf;
public interface HealthCheckStrategy {}
