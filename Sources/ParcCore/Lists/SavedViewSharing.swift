import Foundation

/// Who owns a saved view and with whom it is shared, and so who sees it and who may change it.
///
/// A view is its owner's. Shared, it is shown to everyone who may read its list in the view's entity (the owner's
/// entity when it was saved) — not in the entities above or beside it — and administrators of that entity may rename
/// or delete it. A view that is not shared is seen by its owner alone, administrators included.
public struct SavedViewSharing: Hashable, Sendable {
    /// The user who saved the view.
    public let ownerID: UUID
    /// The entity the view is shared in.
    public let entityID: UUID
    /// Whether the view is shared.
    public let shared: Bool

    /// A view's sharing.
    public init(ownerID: UUID, entityID: UUID, shared: Bool) {
        self.ownerID = ownerID
        self.entityID = entityID
        self.shared = shared
    }

    /// Whether `user`, with `scope`, sees the view of a list read with `listPermission`.
    public func isVisible(to user: UUID, scope: AccessScope, listPermission: Permission) -> Bool {
        user == ownerID || (shared && scope.allows(listPermission, in: entityID))
    }

    /// Whether `user` may rename, change or delete the view: its owner, or an administrator of its entity when the
    /// view is shared.
    public func isChangeable(by user: UUID, scope: AccessScope, listPermission: Permission) -> Bool {
        user == ownerID
            || (isVisible(to: user, scope: scope, listPermission: listPermission)
                && scope.allows(.savedViewsManage, in: entityID))
    }
}
