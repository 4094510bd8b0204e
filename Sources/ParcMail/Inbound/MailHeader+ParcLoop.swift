extension MailHeader {
    /// `X-Parc-Loop: <instanceID>` (see ``ParcLoopHeader``).
    public static func parcLoop(instanceID: String) -> MailHeader {
        MailHeader(ParcLoopHeader.name, instanceID)
    }
}
