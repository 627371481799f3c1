package redis.clients.jedis.mcf;
import redis.clients.jedis.MultiDbConfig;
public class PingStrategy implements HealthCheckStrategy {
    public static final MultiDbConfig.StrategySupplier DEFAULT = null;
}
