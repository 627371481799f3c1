package com.azure.identity;
public class DefaultAzureCredential {}
