# Stand-in for the redis-entraid package (not on the package mirror here): the one function the snippets call.
