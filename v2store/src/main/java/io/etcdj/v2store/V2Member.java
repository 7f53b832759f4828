package io.etcdj.v2store;

import java.util.List;

/**
 * A cluster member as etcd 3.4 records it in the v2 store under {@code /0/members/<id hex>}
 * (membership's {@code Member}: raft attributes and, once published, attributes).
 *
 * @param id         member ID (uint64)
 * @param name       published name, "" until published
 * @param peerUrls   peer URLs (raft attributes)
 * @param clientUrls published client URLs, empty until published
 * @param isLearner  whether the member is a Raft learner
 */
public record V2Member(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean isLearner) {
    public V2Member {
        peerUrls = List.copyOf(peerUrls);
        clientUrls = List.copyOf(clientUrls);
    }
}
