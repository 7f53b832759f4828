package io.etcdj.server;

import io.etcdj.api.etcdserverpb.RangeRequest;
import io.etcdj.spi.server.EtcdError;
import io.etcdj.spi.server.EtcdServerApi;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * What client transports see of the server: the server itself, except that while this member is a
 * learner every client request but {@code Status} and a serializable {@code Range} fails with
 * etcd's "rpc not supported for learner" (etcd 3.4's gRPC interceptors: unary calls and streams
 * alike). One guard in front of the facade covers every transport and every method, including
 * those added later.
 */
public final class LearnerGuard {
    /** Methods a learner serves, or that are not client requests at all. */
    private static final Set<String> ALWAYS_SERVED = Set.of("status", "maxRequestBytes", "serverVersion",
            "clusterVersion", "metrics", "v2SelfStats", "v2StoreStats", "v2LeaderStats", "v2", "v2Enabled",
            "hashCode", "equals", "toString");

    private LearnerGuard() {
    }

    /** {@code server} as clients should reach it; {@code isLearner} is asked on every request. */
    public static EtcdServerApi wrap(EtcdServerApi server, BooleanSupplier isLearner) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (isLearner.getAsBoolean() && !servedToLearner(method, args)) {
                if (CompletableFuture.class.isAssignableFrom(method.getReturnType())) {
                    return CompletableFuture.failedFuture(EtcdError.NOT_SUPPORTED_FOR_LEARNER.exception());
                }
                throw EtcdError.NOT_SUPPORTED_FOR_LEARNER.exception();
            }
            try {
                return method.invoke(server, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (EtcdServerApi) Proxy.newProxyInstance(EtcdServerApi.class.getClassLoader(),
                new Class<?>[] {EtcdServerApi.class}, handler);
    }

    private static boolean servedToLearner(Method method, Object[] args) {
        if (ALWAYS_SERVED.contains(method.getName())) {
            return true;
        }
        return method.getName().equals("range") && args != null && args.length > 0
                && args[0] instanceof RangeRequest r && r.getSerializable();
    }
}
