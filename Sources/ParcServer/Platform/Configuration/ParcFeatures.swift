/// Every feature of Parc, in the order their migrations run. A new capability adds itself here.
enum ParcFeatures {
    static let all: [any ParcFeature] = [AgentsFeature(), InventoryFeature(), BackupFeature(), AlertsFeature(),
                                          SoftwareFeature(), HelpdeskFeature(), KnowledgeFeature(), MailInFeature()]
}
