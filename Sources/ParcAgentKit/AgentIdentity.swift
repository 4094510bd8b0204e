import ParcCore

/// How the agent introduces itself to servers (User-Agent and inventory headers).
public enum AgentIdentity {
    public static var version: String { ParcVersion.current }
    public static var userAgent: String { "parc-agent/\(ParcVersion.current)" }
}
