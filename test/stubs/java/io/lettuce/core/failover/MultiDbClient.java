package io.lettuce.core.failover;
import java.util.List;
public class MultiDbClient {
    public static MultiDbClient create(List<DatabaseConfig> databases, MultiDbOptions options) { return null; }
}
