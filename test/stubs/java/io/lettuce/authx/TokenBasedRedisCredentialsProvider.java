package io.lettuce.authx;
import io.lettuce.core.RedisCredentialsProvider;
import redis.clients.authentication.core.TokenAuthConfig;
public class TokenBasedRedisCredentialsProvider implements RedisCredentialsProvider {
    public static TokenBasedRedisCredentialsProvider create(TokenAuthConfig config) { return null; }
}
