package io.lettuce.core.failover;
import java.time.Duration;
public class MultiDbOptions {
    public static Builder builder() { return null; }
    public static class Builder {
        public Builder failbackSupported(boolean supported) { return this; }
        public Builder failbackCheckInterval(Duration interval) { return this; }
        public Builder gracePeriod(Duration period) { return this; }
        public MultiDbOptions build() { return null; }
    }
}
