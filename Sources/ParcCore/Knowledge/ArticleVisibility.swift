/// Who reads a knowledge-base article.
///
/// The raw values are stored and used in the API: never rename one.
public enum ArticleVisibility: String, Sendable, Codable, CaseIterable {
    /// The public FAQ: everyone of the article's reach, requesters included (the self-service portal shows it).
    case faq
    /// The support staff of the article's reach (technicians, admins, observers).
    case technicians
    /// The support staff of the listed entities only (each with its sub-entities when the article is recursive).
    case entities
}
