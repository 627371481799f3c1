package io.lettuce.core;
public interface RedisCredentialsProvider {}
