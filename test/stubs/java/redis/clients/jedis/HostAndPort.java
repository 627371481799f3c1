package redis.clients.jedis;
public class HostAndPort implements Endpoint {
    public HostAndPort(String host, int port) {}
}
