/// Whom a knowledge-base search or suggestion is for: the portal shows requesters the FAQ only, even when the
/// person asking could read more.
public enum KnowledgeAudience: String, Sendable, CaseIterable {
    case requester
    case technician
}
