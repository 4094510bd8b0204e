/// The shape of a knowledge-base article: the form offers each one's Markdown skeleton when an article is started.
///
/// The raw values are stored and used in the API: never rename one.
public enum ArticleTemplate: String, Sendable, Codable, CaseIterable {
    /// Steps to carry out a known operation.
    case procedure
    /// A guided explanation, for people learning a tool.
    case tutorial
    /// A reflex sheet ("fiche réflexe"): the symptom, the immediate actions, and when to escalate.
    case reflex
    /// No imposed shape.
    case free

    /// The Markdown the editor starts from, in the author's language.
    public func skeleton(_ language: Language) -> String {
        switch (self, language) {
        case (.procedure, .fr):
            return """
                ## Objectif

                Ce que permet cette procédure, et pour qui.

                ## Prérequis

                - Droits nécessaires :
                - Outils :

                ## Étapes

                1. Première étape
                2. Deuxième étape
                3. Vérifier le résultat

                ## En cas d'échec

                Que faire, et qui prévenir.
                """
        case (.procedure, .en):
            return """
                ## Purpose

                What this procedure achieves, and for whom.

                ## Prerequisites

                - Rights needed:
                - Tools:

                ## Steps

                1. First step
                2. Second step
                3. Check the result

                ## If it fails

                What to do, and whom to tell.
                """
        case (.tutorial, .fr):
            return """
                ## Ce que vous allez apprendre

                En une ou deux phrases.

                ## Avant de commencer

                Ce qu'il faut avoir sous la main.

                ## Pas à pas

                ### 1. Première partie

                Explication, puis exemple :

                ```
                commande ou manipulation
                ```

                ### 2. Deuxième partie

                ## Pour aller plus loin

                - Lien ou article voisin
                """
        case (.tutorial, .en):
            return """
                ## What you will learn

                In a sentence or two.

                ## Before you start

                What to have at hand.

                ## Step by step

                ### 1. First part

                Explanation, then an example:

                ```
                command or action
                ```

                ### 2. Second part

                ## Going further

                - A link or a related article
                """
        case (.reflex, .fr):
            return """
                ## Symptôme

                Ce que l'utilisateur voit ou signale.

                ## Actions immédiates

                1. Première action, sans risque
                2. Deuxième action
                3. Vérifier que le symptôme a disparu

                ## Quand escalader

                - Si le symptôme persiste après les actions ci-dessus
                - Si plusieurs utilisateurs sont touchés
                - Escalader vers :
                """
        case (.reflex, .en):
            return """
                ## Symptom

                What the user sees or reports.

                ## Immediate actions

                1. First action, without risk
                2. Second action
                3. Check that the symptom is gone

                ## When to escalate

                - If the symptom remains after the actions above
                - If several users are affected
                - Escalate to:
                """
        case (.free, _):
            return ""
        }
    }
}
