// DynamoDB Local listening on 127.0.0.1 only.
//
// DynamoDB Local has no option for the address it listens on: its DynamoDBProxyServer builds a Jetty
// `new Server(port)`, whose connector binds every interface, and neither Jetty nor the JVM reads a
// property for that address. So this launcher builds the server exactly as DynamoDB Local's own main
// does (same command-line options), sets the connector's host to the loopback address before it
// starts, and starts it. Should a new DynamoDB Local change its internals, the reflection fails and
// java exits with the error: it never falls back to listening on every interface.
//
// Run by infra/local/dynamodb_local.py with java's source-file mode (no compile step):
//   java -cp DynamoDBLocal.jar:DynamoDBLocal_lib/* LoopbackDynamoDBLocal.java -port P ...

import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

public final class LoopbackDynamoDBLocal {
    private static final String HOST = "127.0.0.1";

    public static void main(String[] args) throws Exception {
        DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
        Field field = DynamoDBProxyServer.class.getDeclaredField("server");
        field.setAccessible(true);
        Server server = (Server) field.get(proxy);
        Connector[] connectors = server.getConnectors();
        if (connectors.length == 0) {
            throw new IllegalStateException("DynamoDB Local built no connector: cannot bind it to " + HOST);
        }
        for (Connector connector : connectors) {
            ((ServerConnector) connector).setHost(HOST);
        }
        proxy.start();
    }
}
