package redis.clients.jedis.authentication;
import redis.clients.authentication.core.TokenAuthConfig;
public class AuthXManager {
    public AuthXManager(TokenAuthConfig config) {}
}
