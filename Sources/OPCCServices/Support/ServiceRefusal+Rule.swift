/// The rules a service, the web or the CLI refuses by, as named constants, so that a throw site cannot misspell one
/// and a test can list them all (`everyRuleIsTriggeredByATest` fails when a rule here is named by no test).
///
/// The raw value is the id front ends and scripts see (`refused (known-decision): …`, the API's
/// `urn:opcc:rule:known-decision`), so it never changes once shipped. Two kinds of rule id are not here and stay
/// dynamic strings, because Core decides them: those of Core's typed refusals (`AllocationRefusal`, `GrantRefusal`,
/// `PriorityRefusal`, `ReturnRefusal`, `VLISchemeError`, `VLIScoringError`, `NumberDateDisagreement`, each with its own
/// `rule`), passed on with `ServiceRefusal(coreRule:message:)`, and those of workflow guards (a `GuardRefusal` names
/// its guard), which reach a front end inside `ActRefused`. The JSON API's own problems (`APIProblem`: a malformed body, an unknown path) are
/// the web module's and are not here either.
extension ServiceRefusal {
    public enum Rule: String, CaseIterable, Hashable, Sendable {
        /// A one-time account link whose hour has passed (the visitor is told only that it no longer works).
        case accountLinkCurrent = "account-link-current"
        /// A one-time account link that no link has (mistyped, cut short, never issued).
        case accountLinkKnown = "account-link-known"
        /// A one-time account link made void by a newer one, or by a password another link set.
        case accountLinkLatest = "account-link-latest"
        /// A one-time account link that already set a password.
        case accountLinkUnused = "account-link-unused"
        /// An act with nobody named as acting (the CLI's `--as` or `OPCC_USER` missing).
        case actorRequired = "actor-required"
        /// An agreement, variation or close over allocations that are missing, of another office or already agreed.
        case agreementOverAllocations = "agreement-over-allocations"
        /// An amount of £0.00 or less where money must move (an allocation, virement, write-off or forecast underspend).
        case amountPositive = "amount-positive"
        /// An amount above `Money.ceiling`, the largest the product accepts.
        case amountWithinCeiling = "amount-within-ceiling"
        /// An API token, or its holder, that is not known.
        case apiTokenKnown = "api-token-known"
        /// An API token label that is empty or longer than 80 characters.
        case apiTokenLabel = "api-token-label"
        /// A second live API token with the same label for the same person.
        case apiTokenLabelUnique = "api-token-label-unique"
        /// Revoking an API token that is already revoked.
        case apiTokenLive = "api-token-live"
        /// A request signed with a revoked API token.
        case apiTokenRevoked = "api-token-revoked"
        /// Revoking someone else's API token without being their office's chief executive.
        case apiTokenRevokedByOwnerOrChiefExecutive = "api-token-revoked-by-owner-or-chief-executive"
        /// An assessment recorded without its reference.
        case assessmentReference = "assessment-reference"
        /// An audit chain that does not verify (`opcc audit verify`).
        case auditIntact = "audit-intact"
        /// Reading an office's audit log without a role that may read it.
        case auditLogReaders = "audit-log-readers"
        /// A split award above the largest size band of its round.
        case awardWithinSizeBands = "award-within-size-bands"
        /// Restoring from a backup file that does not exist.
        case backupExists = "backup-exists"
        /// Backing up a database that is not SQLite.
        case backupNeedsSqlite = "backup-needs-sqlite"
        /// A backup over a file that already exists.
        case backupNeverOverwrites = "backup-never-overwrites"
        /// Restoring from a file that cannot be opened as a database.
        case backupReadable = "backup-readable"
        /// A return written by someone other than the grant's own project board.
        case boardWritesItsReturn = "board-writes-its-return"
        /// Books that fail the finance check (`opcc finance check`).
        case booksBalance = "books-balance"
        /// A budget set below what its strand has already allocated.
        case budgetCoversAllocations = "budget-covers-allocations"
        /// A budget for a financial year outside the range budgets are set for.
        case budgetYearInRange = "budget-year-in-range"
        /// Revoking a calendar feed when the person has no live one.
        case calendarFeedExists = "calendar-feed-exists"
        /// A calendar feed address that no feed has.
        case calendarFeedKnown = "calendar-feed-known"
        /// Reading a calendar feed that was revoked.
        case calendarFeedRevoked = "calendar-feed-revoked"
        /// Revoking someone else's calendar feed without being their office's chief executive.
        case calendarFeedRevokedByOwnerOrChiefExecutive = "calendar-feed-revoked-by-owner-or-chief-executive"
        /// A carry-forward of more than the recipient holds, or a decision on it that no longer fits.
        case carryForwardWithinAllocation = "carry-forward-within-allocation"
        /// Closing an agreement while a carry-forward on it is still open.
        case carryForwardsSettledBeforeClose = "carry-forwards-settled-before-close"
        /// Closing an agreement while money is still due back under it.
        case clawbackSettledBeforeClose = "clawback-settled-before-close"
        /// A compulsion recorded on a threat the assessment does not band Low.
        case compulsionForALow = "compulsion-for-a-low"
        /// A correction of a quarterly return that has not been accepted yet (it is edited instead).
        case correctionAfterAcceptance = "correction-after-acceptance"
        /// Reversing a posting when that would take an account below zero.
        case correctionLeavesNoNegativeBalance = "correction-leaves-no-negative-balance"
        /// Reversing a posting that is itself a correction.
        case correctionNotReversed = "correction-not-reversed"
        /// Correcting a decision record before it is decided (a draft is edited instead).
        case correctionsAfterDecision = "corrections-after-decision"
        /// An act or edit sent with a version older than the record's: it changed since it was read.
        case currentVersion = "current-version"
        /// A decision number that is not in the office's numbering form.
        case decisionNumberForm = "decision-number-form"
        /// Importing a decision whose number the office already holds.
        case decisionNumberUnique = "decision-number-unique"
        /// A board decision recorded on a threat the assessment does not band Medium.
        case decisionOnAMedium = "decision-on-a-medium"
        /// Attaching or withdrawing a document without one of the roles that attach the record's documents
        /// (`DocumentRecordKind.attachers`: for a decision record an officer, chief executive or commissioner of its
        /// office).
        case documentAttachers = "document-attachers"
        /// A new version of, or a withdrawal of, a document that was already replaced or withdrawn.
        case documentCurrent = "document-current"
        /// A kind of document the record does not take (evidence on an agreement, a signed agreement on a return).
        case documentKindForRecord = "document-kind-for-record"
        /// Reading a Part 2 document without one of the roles that may read Part 2, or a withdrawn one.
        case documentPart2Readers = "document-part2-readers"
        /// Purging a withdrawn document's bytes without being one of the office's Part 2 readers.
        case documentPurgeByPart2Readers = "document-purge-by-part2-readers"
        /// A Part 1 document on a record that publishes nothing (an agreement, a return, a carry-forward).
        case documentStaffOnly = "document-staff-only"
        /// Withdrawing a document without a reason.
        case documentWithdrawalReason = "document-withdrawal-reason"
        /// Editing a decision record that is no longer a draft.
        case editOnlyInDraft = "edit-only-in-draft"
        /// A workflow effect on a record of a kind that cannot take it (a deadline on a record that keeps none).
        case effectFitsRecord = "effect-fits-record"
        /// An act, posting, sweep or feed dated after today.
        case effectiveDateNotInFuture = "effective-date-not-in-future"
        /// A correction dated before the record's last act, or after today.
        case effectiveDatesNeverGoBackwards = "effective-dates-never-go-backwards"
        /// An email address that is not of the form name@dotted.domain (one `@`, no space or control character, at most 254 characters).
        case emailAddress = "email-address"
        /// A priorities file whose threat lines do not give one score per agency.
        case everyAgencyScoresEveryThreat = "every-agency-scores-every-threat"
        /// An export over a file that exists, without `--force`.
        case exportNeverOverwrites = "export-never-overwrites"
        /// Closing an agreement whose final quarterly return is not accepted.
        case finalReturnAcceptedBeforeClose = "final-return-accepted-before-close"
        /// Reading an office's finance without a role that may read it.
        case financeReaders = "finance-readers"
        /// Ending a role a person does not hold (with that scope).
        case grantHeld = "grant-held"
        /// A reducing variation that would take the agreement below zero.
        case grantVariationNotBelowZero = "grant-variation-not-below-zero"
        /// An import file with a column that is not of its kind, or a column given twice.
        case importColumnsKnown = "import-columns-known"
        /// An import file without a column its kind requires.
        case importColumnsPresent = "import-columns-present"
        /// An import file above the size or row limit.
        case importFileWithinLimits = "import-file-within-limits"
        /// An imported decision history whose acts the workflow refuses on replay.
        case importReplay = "import-replay"
        /// An import row that cannot be read (a cell of the wrong form, a value repeated within the file, more
        /// cells than columns), or a file that is not CSV.
        case importRowsValid = "import-rows-valid"
        /// An import's status cell that names no state a record can be imported in.
        case importStatusKnown = "import-status-known"
        /// Importing indicator figures without the indicator's name.
        case indicatorNamed = "indicator-named"
        /// An invitation to a person who already has a password (send a password reset instead).
        case invitationBeforePassword = "invitation-before-password"
        /// An invitation sent by someone other than the person's office's chief executive.
        case invitationByChiefExecutive = "invitation-by-chief-executive"
        /// A grant agreement that does not exist or that the person may not see.
        case knownAgreement = "known-agreement"
        /// A priority assessment that does not exist or that the person may not see.
        case knownAssessment = "known-assessment"
        /// A carry-forward request that does not exist or that the person may not see.
        case knownCarryForward = "known-carry-forward"
        /// A decision record that does not exist or that the person may not see.
        case knownDecision = "known-decision"
        /// A document id that no document of the person's office has.
        case knownDocument = "known-document"
        /// A payment against an instalment the agreement does not have.
        case knownInstalment = "known-instalment"
        /// A key decision taken without the forward plan's clear days' notice and with no reason of urgency recorded.
        case forwardPlanNotice = "forward-plan-notice"
        /// Listing on the forward plan a record of an office whose profile publishes none.
        case forwardPlanOn = "forward-plan-on"
        /// Listing on the forward plan a record that is not a key decision by the office's profile.
        case forwardPlanKeyDecisionsOnly = "forward-plan-key-decisions-only"
        /// Listing on the forward plan a record already decided or withdrawn, or with an expected day before today.
        case forwardPlanBeforeDecision = "forward-plan-before-decision"
        /// A Panel report whose first day is after its last.
        case reportPeriodInOrder = "report-period-in-order"
        /// An office that is not in this database.
        case knownOffice = "known-office"
        /// Verifying the audit chain of an office that has no audit events.
        case knownOfficeChain = "known-office-chain"
        /// A person who is not in this database.
        case knownPerson = "known-person"
        /// A ledger posting that does not exist or that the person may not see.
        case knownPosting = "known-posting"
        /// A priority code the assessment does not have.
        case knownPriority = "known-priority"
        /// A variation proposal that does not exist or that the person may not see.
        case knownProposal = "known-proposal"
        /// A workflow record that does not exist or that the person may not see.
        case knownRecord = "known-record"
        /// A quarterly return that does not exist or that the person may not see.
        case knownReturn = "known-return"
        /// A priority's money linked to a strand the office has never budgeted.
        case knownStrand = "known-strand"
        /// A threat the priority assessment does not name.
        case knownThreat = "known-threat"
        /// A ward that is not in the VLI run.
        case knownWard = "known-ward"
        /// A workflow (or workflow version) that is not in the catalog.
        case knownWorkflow = "known-workflow"
        /// Migrating from a SQLite file that does not exist.
        case migrateSourceExists = "migrate-source-exists"
        /// Migrating a SQLite database whose audit log does not verify.
        case migrateSourceVerifies = "migrate-source-verifies"
        /// Migrating into a PostgreSQL database that already holds offices or events.
        case migrateTargetEmpty = "migrate-target-empty"
        /// Migrating to something that is not a postgres:// URL.
        case migrateTargetIsServer = "migrate-target-is-server"
        /// A priority's money link that claims no share.
        case moneyShareAboveZero = "money-share-above-zero"
        /// Money links whose shares of one allocation add up to more than the whole.
        case moneySharesWithinWhole = "money-shares-within-whole"
        /// A VLI moderation note without text.
        case noteGiven = "note-given"
        /// A notification id that no notification has.
        case notificationKnown = "notification-known"
        /// Marking read a notification that is not the reader's own.
        case notificationOwnedByReader = "notification-owned-by-reader"
        /// Resending an invitation or password reset, whose one-time link is not kept.
        case notificationResendNotOneTimeLink = "notification-resend-not-one-time-link"
        /// Resending a notification that has not failed.
        case notificationResendOnlyFailed = "notification-resend-only-failed"
        /// Listing or resending an office's failed notifications without being its chief executive.
        case notificationsAdministeredByChiefExecutive = "notifications-administered-by-chief-executive"
        /// An office bundle that is not one: no readable manifest, another format or version, a table or column the
        /// receiving database has no place for, or rows of another office.
        case officeBundleFormat = "office-bundle-format"
        /// An office bundle with a file missing, changed (its SHA-256 is not the manifest's), not listed in the
        /// manifest, or with events that do not chain to the manifest's head: nothing is written.
        case officeBundleIntact = "office-bundle-intact"
        /// `opcc export office` into a path that exists already.
        case officeBundleNeverOverwrites = "office-bundle-never-overwrites"
        /// Exporting an office whose records or chain do not verify, or whose chain starts in the older global
        /// chain of the database (which another database cannot check).
        case officeExportVerifies = "office-export-verifies"
        /// `opcc import office` into a database that already holds an office or audit events.
        case officeImportIntoEmptyDatabase = "office-import-into-empty-database"
        /// A bundle whose rows, once written, do not verify (`opcc audit verify`): nothing is kept.
        case officeImportVerifies = "office-import-verifies"
        /// Changing an office's profile without being its chief executive or an administrator of it.
        case officeEditedByChiefExecutiveOrAdministrator = "office-edited-by-chief-executive-or-administrator"
        /// A profile given to `office edit` whose id is not the office edited.
        case officeIdMatches = "office-id-matches"
        /// Registering an office whose id is already registered.
        case officeIdUnique = "office-id-unique"
        /// An act that needs an office when none, or more than one, could be meant.
        case officeRequired = "office-required"
        /// A role grant of a role the office does not use.
        case officeRole = "office-role"
        /// An agreement over an allocation that another agreement already covers.
        case oneAgreementPerAllocation = "one-agreement-per-allocation"
        /// A second priority assessment for the same partnership, year and office.
        case oneAssessmentAYear = "one-assessment-a-year"
        /// An act on a record of an office the person does not belong to.
        case ownOffice = "own-office"
        /// A variation that alters an instalment already paid.
        case paidInstalmentsUnchanged = "paid-instalments-unchanged"
        /// Reading the Part 2 of a decision record that has none.
        case part2Exists = "part2-exists"
        /// A Part 1 correction that tries to change Part 2.
        case part2NotCorrectedHere = "part2-not-corrected-here"
        /// Reading a Part 2 without one of the roles that may read it.
        case part2ReadersOnly = "part2-readers-only"
        /// A password shorter than 8 characters.
        case passwordLength = "password-length"
        /// Setting someone else's password without being their office's chief executive.
        case passwordSetByPersonOrChiefExecutive = "password-set-by-person-or-chief-executive"
        /// Passwords on a database that keeps none.
        case passwordsNeedSqlite = "passwords-need-sqlite"
        /// A payment beyond what the agreement's allocations hold unpaid.
        case paymentWithinAllocation = "payment-within-allocation"
        /// Managing an office's people (adding, granting, ending roles, disabling, enabling) without being its chief
        /// executive or an administrator of it (the id is older than the administrator role).
        case peopleManagedByChiefExecutive = "people-managed-by-chief-executive"
        /// Disabling, or ending the role of, the last active person who may manage an office's people.
        case peopleManagerKept = "people-manager-kept"
        /// An act by, or the disabling of, a person who is disabled.
        case personActive = "person-active"
        /// Enabling a person who is not disabled.
        case personDisabled = "person-disabled"
        /// A person's name that is not a usable sign-in name.
        case personName = "person-name"
        /// Changing someone else's email address or notification preference without being their office's chief executive.
        case personSettingsBySelfOrChiefExecutive = "person-settings-by-self-or-chief-executive"
        /// Reversing a posting that has already been reversed.
        case postingReversedOnce = "posting-reversed-once"
        /// A priority assessment whose board would set no priority.
        case priorityCountAtLeastOne = "priority-count-at-least-one"
        /// A priority without a title.
        case priorityTitled = "priority-titled"
        /// Deciding a variation proposal that was decided already.
        case proposalDecidedOnce = "proposal-decided-once"
        /// An input file that cannot be read.
        case readableFile = "readable-file"
        /// An act that needs a reason (a correction, virement, write-off, refusal or carry-forward) given none.
        case reasonGiven = "reason-given"
        /// Restoring a backup whose documents' files are missing or altered, or over a folder holding other files.
        case restoreNeedsDocuments = "restore-needs-documents"
        /// Restoring a backup whose books fail the finance check.
        case restoreNeedsSoundBooks = "restore-needs-sound-books"
        /// Restoring a backup whose audit chain does not verify.
        case restoreNeedsVerifiedAudit = "restore-needs-verified-audit"
        /// Editing a quarterly return that is no longer open for editing.
        case returnEditable = "return-editable"
        /// An act recorded under a role the person does not hold for the record.
        case roleNotHeld = "role-not-held"
        /// An act or reading by a person without a role it needs.
        case roleRequired = "role-required"
        /// A second-factor sign-in or set-up whose challenge is unknown, used, past its five minutes or out of tries.
        case secondFactorChallengeCurrent = "second-factor-challenge-current"
        /// A code from the authenticator app (or a recovery code) that is not right, or was used already.
        case secondFactorCode = "second-factor-code"
        /// Confirming or removing a second factor the person does not have in that state.
        case secondFactorPending = "second-factor-pending"
        /// Removing your own second factor when the office requires one for a role you hold.
        case secondFactorRequired = "second-factor-required"
        /// Removing someone else's second factor without being their office's chief executive.
        case secondFactorRemovedBySelfOrChiefExecutive = "second-factor-removed-by-self-or-chief-executive"
        /// Setting up a second factor when one is set up already.
        case secondFactorSetUpOnce = "second-factor-set-up-once"
        /// Selecting a pilot area under a decision that is not approved.
        case selectionCitesApprovedDecision = "selection-cites-approved-decision"
        /// A first-run set-up link that no link has (mistyped, or from another database).
        case setupLinkKnown = "setup-link-known"
        /// A first-run set-up link already used, or the set-up of a database that already has an office.
        case setupLinkUnused = "setup-link-unused"
        /// Selecting a pilot area that is not on the run's shortlist.
        case shortlistedBeforeSelection = "shortlisted-before-selection"
        /// A signature recorded without the signatory's name.
        case signatoryNamed = "signatory-named"
        /// A priority's money link without its strand.
        case strandGiven = "strand-given"
        /// Text longer than its limit, or with characters the product does not store.
        case textWithinLimits = "text-within-limits"
        /// A posting to a ledger account that does not exist.
        case validAccount = "valid-account"
        /// An agreement file that does not decode.
        case validAgreementFile = "valid-agreement-file"
        /// An amount that is not in pounds and pence.
        case validAmount = "valid-amount"
        /// A form whose choice is missing or not one of those offered.
        case validChoice = "valid-choice"
        /// A date that is not year-month-day.
        case validDate = "valid-date"
        /// A decision draft field that is missing or not of its form.
        case validDecisionField = "valid-decision-field"
        /// A decision draft file that does not decode.
        case validDecisionFile = "valid-decision-file"
        /// A demo or fixture file that does not decode or names what is not there.
        case validFixture = "valid-fixture"
        /// A decision import file that does not decode or misses a field an act needs.
        case validImportFile = "valid-import-file"
        /// An indicator CSV file that does not parse.
        case validIndicatorFile = "valid-indicator-file"
        /// An office profile the loader refuses (the key, and the line of an unknown key).
        case validOfficeProfile = "valid-office-profile"
        /// A priorities file that does not decode.
        case validPrioritiesFile = "valid-priorities-file"
        /// A priority code that is not of the form P1, P2, ….
        case validPriorityCode = "valid-priority-code"
        /// A quarterly return file that does not decode.
        case validReturnFile = "valid-return-file"
        /// A priority's share that is not a percentage.
        case validShare = "valid-share"
        /// A split of an award that does not fit its round (recipients, totals, bands).
        case validSplit = "valid-split"
        /// A split file that does not decode.
        case validSplitFile = "valid-split-file"
        /// A strand code that is not of the form of one (e.g. ASB).
        case validStrand = "valid-strand"
        /// A variation file that does not decode.
        case validVariationFile = "valid-variation-file"
        /// A form's version that is not a number.
        case validVersion = "valid-version"
        /// A VLI import file that does not parse.
        case validVliFile = "valid-vli-file"
        /// A variation whose terms do not fit its kind (amount, dates or plan lines).
        case variationFitsKind = "variation-fits-kind"
        /// A variation above the decision's amount that cites no approved decision for the excess.
        case variationNewDecisionApproved = "variation-new-decision-approved"
        /// A reducing variation of more than is still unpaid.
        case variationWithinUnpaid = "variation-within-unpaid"
        /// Reversing an allocation that an agreement covers (vary the agreement instead).
        case varyAgreementNotReverseAllocation = "vary-agreement-not-reverse-allocation"
        /// A virement above the office's threshold without an approved decision.
        case virementAboveThresholdNeedsDecision = "virement-above-threshold-needs-decision"
        /// A virement from a strand to itself.
        case virementBetweenTwoStrands = "virement-between-two-strands"
        /// A virement of more than the source strand has unallocated.
        case virementWithinUnallocated = "virement-within-unallocated"
        /// A VLI scoring run with values missing.
        case vliEveryValueGiven = "vli-every-value-given"
        /// Reading an office's pilot-area analysis without a role that may read it.
        case vliReaders = "vli-readers"
        /// Reading or moderating VLI results before any run.
        case vliRunExists = "vli-run-exists"
        /// Importing VLI data before the study area.
        case vliStudyAreaFirst = "vli-study-area-first"
        /// Reversing a posting a workflow made (correct it through the workflow).
        case workflowMoneyNotReversed = "workflow-money-not-reversed"
        /// An output file that cannot be written.
        case writableFile = "writable-file"
        /// A write-off under a decision that is not approved.
        case writeOffNeedsApprovedDecision = "write-off-needs-approved-decision"
        /// Writing off more than is due back.
        case writeOffWithinClawbackDue = "write-off-within-clawback-due"

        // MARK: Grant rounds (issue 29)

        /// A round's spec that breaks a rule: a blank title, no criteria or questions, weights below 1, a scale that
        /// is not contiguous, a close before the opening, an unknown strand, a total of £0.00 ... (the field named).
        case roundSpecValid = "round-spec-valid"
        /// Setting up, publishing or running a round (eligibility, moderation, the decision) without the officer role.
        case roundsRunByOfficers = "rounds-run-by-officers"
        /// No such round, or one the person may not see (a draft, for anyone but the office's staff).
        case roundKnown = "round-known"
        /// An act the round's state does not allow (publishing twice, applying to a draft, moderating while open).
        case roundStateAllows = "round-state-allows"
        /// A submission at or after the round's close, on the clock in Europe/London: a late application is refused.
        case submissionBeforeClose = "submission-before-close"
        /// A submission before the round opens.
        case submissionAfterOpening = "submission-after-opening"
        /// Budget lines that do not add up to the amount asked for.
        case budgetLinesAddUp = "budget-lines-add-up"
        /// A submission with a question unanswered, an answer over its word limit, or an answer to no question.
        case applicationAnswersComplete = "application-answers-complete"
        /// An amount asked for of £0.00, or above the round's largest size band.
        case applicationWithinBands = "application-within-bands"
        /// An application for work outside the round's areas.
        case applicationAreaInRound = "application-area-in-round"
        /// An applicant reading or writing an application of another organisation (answered as missing).
        case applicantSeesOwnOrganisation = "applicant-sees-own-organisation"
        /// Editing an application that is no longer a draft.
        case applicationEditedInDraft = "application-edited-in-draft"
        /// An org-id that is not a charity (GB-CHC-) or company (GB-COH-) number, or an organisation re-registered
        /// with another name or kind.
        case partnerOrgId = "partner-org-id"
        /// Marking eligibility of an application that is not submitted, or without a reason.
        case eligibilityOfSubmitted = "eligibility-of-submitted"
        /// Declaring, scoring or reading scores as someone who is not an assessor of the round.
        case assessorOfRound = "assessor-of-round"
        /// Scoring before declaring whether one has a conflict of interest.
        case conflictDeclaredBeforeScoring = "conflict-declared-before-scoring"
        /// A conflicted assessor scoring the application they are conflicted on.
        case conflictedAssessorCannotScore = "conflicted-assessor-cannot-score"
        /// Scores that are not every criterion once, on the scale, each with a comment.
        case scoresOnScale = "scores-on-scale"
        /// Scoring or declaring again once the scores are submitted (a change of mind is for the panel).
        case scoresSubmittedOnce = "scores-submitted-once"
        /// Seeing other assessors' scores before submitting one's own (they are hidden, not refused, in the view).
        case othersScoresAfterOwn = "others-scores-after-own"
        /// A recommendation for an application that is not eligible, without reasons, with a moderated score off the
        /// 0-10000 scale, or with an amount that does not fit it (an award is the amount asked; a reduced award less).
        case recommendationComplete = "recommendation-complete"
        /// Raising the round's decision while an eligible application has no recommendation, or with awards above the
        /// round's total, or twice.
        case roundDecisionReady = "round-decision-ready"
        /// A partner sign-up with a name already taken.
        case signUpNameFree = "sign-up-name-free"
    }
}
