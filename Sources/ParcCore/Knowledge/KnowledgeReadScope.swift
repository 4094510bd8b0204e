import Foundation

/// Which knowledge-base articles one user may read: the single rule behind every list, lookup, search and suggestion
/// (decision 0041).
///
/// An article belongs to an entity; a recursive article is also read in that entity's sub-entities. Then:
///
/// - `faq`: whoever holds ``Permission/kbRead`` where the article reaches (requesters included);
/// - `technicians`: whoever holds ``Permission/kbReadInternal`` there;
/// - `entities`: whoever holds ``Permission/kbReadInternal`` on one of the listed entities (with its sub-entities
///   when the article is recursive);
/// - and whoever may write articles in the article's own entity (``Permission/kbWrite``) reads it, to manage it.
///
/// The requester audience narrows everything to `faq`.
public struct KnowledgeReadScope: Sendable, Equatable {
    /// Entities whose FAQ the user reads: where they hold `kbRead`.
    public let faqEntities: Set<UUID>
    /// Those entities and every entity above them: the recursive FAQ articles the user reads live there.
    public let faqReach: Set<UUID>
    /// Entities where the user reads the staff articles.
    public let internalEntities: Set<UUID>
    public let internalReach: Set<UUID>
    /// Entities where the user writes articles (and so reads all of that entity's own).
    public let writeEntities: Set<UUID>

    public init(scope: AccessScope, tree: EntityTree, audience: KnowledgeAudience = .technician) {
        func reach(_ entities: Set<UUID>) -> Set<UUID> {
            var all = entities
            for entity in entities { all.formUnion(tree.ancestors(of: entity)) }
            return all
        }
        faqEntities = scope.entities(for: .kbRead)
        faqReach = reach(faqEntities)
        if audience == .requester {
            internalEntities = []
            internalReach = []
            writeEntities = []
        } else {
            internalEntities = scope.entities(for: .kbReadInternal)
            internalReach = reach(internalEntities)
            writeEntities = scope.entities(for: .kbWrite)
        }
    }

    init(faqEntities: Set<UUID>, faqReach: Set<UUID>, internalEntities: Set<UUID>, internalReach: Set<UUID>,
         writeEntities: Set<UUID>) {
        self.faqEntities = faqEntities
        self.faqReach = faqReach
        self.internalEntities = internalEntities
        self.internalReach = internalReach
        self.writeEntities = writeEntities
    }

    /// Whether the user reads nothing at all.
    public var isEmpty: Bool { faqEntities.isEmpty && internalEntities.isEmpty && writeEntities.isEmpty }

    /// Whether the user may read an article of `entity` (recursive or not) with this visibility and these listed
    /// entities.
    public func canRead(entity: UUID, recursive: Bool, visibility: ArticleVisibility, listed: [UUID]) -> Bool {
        if writeEntities.contains(entity) { return true }
        func reaches(_ target: UUID, _ entities: Set<UUID>, _ reach: Set<UUID>) -> Bool {
            entities.contains(target) || (recursive && reach.contains(target))
        }
        switch visibility {
        case .faq: return reaches(entity, faqEntities, faqReach)
        case .technicians: return reaches(entity, internalEntities, internalReach)
        case .entities: return listed.contains { reaches($0, internalEntities, internalReach) }
        }
    }
}

extension KnowledgeReadScope {
    /// The articles of this scope that also reach `entity` — those a ticket of that entity may point to.
    public func narrowed(to entity: UUID, tree: EntityTree) -> KnowledgeReadScope {
        let above = Set(tree.ancestors(of: entity))
        func keep(_ entities: Set<UUID>) -> Set<UUID> { entities.contains(entity) ? [entity] : [] }
        return KnowledgeReadScope(faqEntities: keep(faqEntities),
                                  faqReach: faqEntities.contains(entity) ? above.union([entity]) : [],
                                  internalEntities: keep(internalEntities),
                                  internalReach: internalEntities.contains(entity) ? above.union([entity]) : [],
                                  writeEntities: keep(writeEntities))
    }
}
