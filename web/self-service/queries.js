// The GraphQL documents the page sends (DESIGN §4, schema/selfService.graphql).

const CHANGE_REQUEST = 'id status needsReview createdAt changes { field from to } problems { field message }';

export const ME = `query Me {
  me {
    id accountNumber name email phone street city postalCode birthDate age
    estimatedIncome shoppingHabits segment ethnicity religion
    optOuts { directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse }
    optOutHistory { kind optedOut channel at }
    contactPreferences { channels preferred }
    orders { id placedAt amount category channel }
    pendingChangeRequests { ${CHANGE_REQUEST} }
    erasureRequests { id status requestedAt processedAt }
  }
  optOutTerms { kind title effect consentWording consentVersion }
  privacyNotice { version status effectiveAt changes }
  acknowledgedPrivacyNotice
}`;

export const ACKNOWLEDGE_NOTICE = `mutation Acknowledge($version: Int!) {
  acknowledgePrivacyNotice(version: $version) { version acknowledgedAt }
}`;

export const ACCESS_HISTORY = `query AccessHistory($after: String) {
  me {
    accessHistory(first: 20, after: $after) {
      nodes { at requestId app role purpose view outcome fields { field action } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

export const PROPOSE_CHANGE = `mutation Propose($input: ProfileChangeInput!) {
  proposeProfileChange(input: $input) { ${CHANGE_REQUEST} }
}`;

export const CONFIRM_CHANGE = `mutation Confirm($id: ID!) {
  confirmProfileChange(id: $id) { ${CHANGE_REQUEST} }
}`;

export const SET_OPT_OUT = `mutation SetOptOut($kind: OptOutKind!, $optedOut: Boolean!, $consentVersion: String) {
  setOptOut(kind: $kind, optedOut: $optedOut, consentVersion: $consentVersion) {
    directMarketing thirdPartyDisclosure automatedDecision sensitiveDataUse
  }
}`;

export const EXPORT = `query Export { exportMyData }`;

export const REQUEST_ERASURE = `mutation Erase { requestErasure { id status requestedAt } }`;
