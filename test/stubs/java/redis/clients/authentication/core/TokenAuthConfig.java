package redis.clients.authentication.core;
public class TokenAuthConfig {}
