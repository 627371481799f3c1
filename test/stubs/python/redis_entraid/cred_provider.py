# Stand-in for redis-entraid's credential provider factory: the snippet only passes its result to client_kwargs.
def create_from_default_azure_credential(scopes):
    return object()
