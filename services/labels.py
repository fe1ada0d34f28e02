"""Catalan labels for the schema's closed lists, shown wherever a code would be."""

from __future__ import annotations

from db.models import (
    ActivityStatus,
    AdvisoryKind,
    AdvisoryStatus,
    Channel,
    EventFormat,
    EventKind,
    MemberKind,
    OnboardingStepKind,
    PersonRole,
    Referral,
    RegistrationStatus,
    WorkGroupStatus,
)

MEMBER_KIND = {
    MemberKind.AJUNTAMENT: "Ajuntament",
    MemberKind.CONSELL_COMARCAL: "Consell comarcal",
    MemberKind.DIPUTACIO: "Diputació",
    MemberKind.ALTRE: "Altre ens local",
}
PERSON_ROLE = {PersonRole.ELECTED: "Càrrec electe", PersonRole.TECHNICIAN: "Personal tècnic"}
CHANNEL = {
    Channel.PHONE: "Telèfon",
    Channel.EMAIL: "Correu electrònic",
    Channel.MEETING: "Reunió presencial",
    Channel.VIDEO_CALL: "Videotrucada",
    Channel.EVENT: "En un esdeveniment",
    Channel.OTHER: "Altres",
}
REFERRAL = {
    Referral.ADVISORY: "Assessorament",
    Referral.MENTORING: "Mentoria",
    Referral.ATENEU: "Ateneu Cooperatiu",
    Referral.DGESSC: "Programa de la DGESSC",
}
ONBOARDING_STEP = {
    OnboardingStepKind.WELCOME_MEETING: "Reunió de benvinguda",
    OnboardingStepKind.MENTOR_ASSIGNED: "Municipi mentor assignat",
    OnboardingStepKind.RIGHTS_AND_RESOURCES: "Drets, deures i recursos lliurats",
    OnboardingStepKind.VIRTUAL_OFFICE: "Accés a l'oficina virtual",
    OnboardingStepKind.INVITED_TO_WORK_GROUPS: "Invitació als grups de treball",
    OnboardingStepKind.ABC_SHEET: "Fitxa de l'ABC de l'ESS",
    OnboardingStepKind.FIRST_ADVISORY: "Primer assessorament breu",
}
ADVISORY_KIND = {
    AdvisoryKind.ADVISORY: "Assessorament",
    AdvisoryKind.MENTORING: "Mentoria",
    AdvisoryKind.CCPR_EXPERT: "Servei expert en CCPR",
}
ADVISORY_STATUS = {
    AdvisoryStatus.REQUESTED: "Sol·licitat",
    AdvisoryStatus.IN_PROGRESS: "En curs",
    AdvisoryStatus.DONE: "Finalitzat",
    AdvisoryStatus.CANCELLED: "Cancel·lat",
}
WORK_GROUP_STATUS = {WorkGroupStatus.ACTIVE: "Actiu", WorkGroupStatus.SUSPENDED: "En suspens"}
EVENT_KIND = {
    EventKind.ASSEMBLY: "Assemblea",
    EventKind.ELECTED_OFFICIALS_MEETING: "Trobada de càrrecs electes",
    EventKind.THEMATIC_DAY: "Jornada temàtica",
    EventKind.TERRITORIAL_MEETING: "Trobada territorial",
    EventKind.XAC_MEETING: "Trobada amb la XAC",
    EventKind.RTES_EXCHANGE: "Intercanvi amb RTES",
    EventKind.ANNIVERSARY: "Acte dels 10 anys",
    EventKind.EXECUTIVE_COMMISSION: "Comissió Executiva",
    EventKind.WORK_GROUP_SESSION: "Sessió de grup de treball",
    EventKind.TRAINING: "Formació",
    EventKind.OTHER: "Altres",
}
EVENT_FORMAT = {
    EventFormat.IN_PERSON: "Presencial",
    EventFormat.VIRTUAL: "Virtual",
    EventFormat.HYBRID: "Híbrid",
}
REGISTRATION_STATUS = {
    RegistrationStatus.REGISTERED: "Inscrit",
    RegistrationStatus.ATTENDED: "Hi ha assistit",
    RegistrationStatus.NO_SHOW: "No s'hi ha presentat",
    RegistrationStatus.CANCELLED: "Cancel·lat",
}
ACTIVITY_STATUS = {
    ActivityStatus.PLANNED: "Prevista",
    ActivityStatus.IN_PROGRESS: "En curs",
    ActivityStatus.DONE: "Feta",
    ActivityStatus.CANCELLED: "Anul·lada",
}
# The seven sections of the 2026 work plan.
PLAN_AXIS = {
    1: "1. Acollida i cura de membres",
    2: "2. Assessoraments i mentories",
    3: "3. Comissions, assemblees i trobada de càrrecs electes",
    4: "4. Relacions amb l'ecosistema de l'ESS",
    5: "5. Jornades",
    6: "6. Grups de treball",
    7: "7. Comunicació",
}
