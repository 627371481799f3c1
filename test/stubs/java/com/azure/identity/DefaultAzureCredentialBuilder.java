package com.azure.identity;
public class DefaultAzureCredentialBuilder {
    public DefaultAzureCredential build() { return null; }
}
