package redis.clients.authentication.entraid;
import com.azure.identity.DefaultAzureCredential;
import java.util.Set;
import redis.clients.authentication.core.TokenAuthConfig;
public class EntraIDTokenAuthConfigBuilder {
    public static EntraIDTokenAuthConfigBuilder builder() { return null; }
    public EntraIDTokenAuthConfigBuilder defaultAzureCredential(DefaultAzureCredential credential) { return this; }
    public EntraIDTokenAuthConfigBuilder scopes(Set<String> scopes) { return this; }
    public TokenAuthConfig build() { return null; }
}
