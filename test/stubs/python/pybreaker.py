# Stand-in for pybreaker, which redis.multidb imports at module level and the package mirror here does not carry:
# only the names redis/multidb/circuit.py touches while a config is built (no breaker ever runs in the test).
class CircuitBreakerListener:
    pass


class CircuitBreaker:
    def __init__(self, *args, **kwargs):
        pass

    def add_listener(self, *args, **kwargs):
        pass


class CircuitBreakerError(Exception):
    pass


STATE_CLOSED = "closed"
STATE_OPEN = "open"
STATE_HALF_OPEN = "half-open"
