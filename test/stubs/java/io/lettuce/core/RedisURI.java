package io.lettuce.core;
public class RedisURI {
    public static class Builder {
        public static Builder redis(String host, int port) { return null; }
        public Builder withSsl(boolean ssl) { return this; }
        public Builder withPassword(CharSequence password) { return this; }
        public Builder withAuthentication(RedisCredentialsProvider provider) { return this; }
        public RedisURI build() { return null; }
    }
}
