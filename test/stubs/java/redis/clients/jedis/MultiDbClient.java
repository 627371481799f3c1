package redis.clients.jedis;
public class MultiDbClient {
    public static Builder builder() { return null; }
    public static class Builder {
        public Builder multiDbConfig(MultiDbConfig config) { return this; }
        public MultiDbClient build() { return null; }
    }
}
