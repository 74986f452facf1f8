// i18n.js — the web view's words in English and French. The language is the one chosen with
// the switch (kept in localStorage), else the browser's, else English. Statuses and
// priorities are not here: their labels come from the workflow (GET /v1/workflow).

const STORE = 'suivi.lang';
export const LANGS = ['en', 'fr'];

const en = {
  'app.name': 'suivi',
  'skip': 'Skip to content',
  'nav.label': 'Main',
  'nav.dashboard': 'Dashboard',
  'nav.meetings': 'Meetings',
  'nav.recommendations': 'Recommendations',
  'nav.owners': 'Owners',
  'nav.reports': 'Reports',
  'nav.menu': 'Menu',
  'lang.label': 'Language',
  'lang.switch': 'Français',
  'signout': 'Sign out',
  'signed.as': 'Signed in as',
  'role.admin': 'admin',
  'role.secretariat': 'secretariat',
  'role.owner': 'owner',
  'role.viewer': 'viewer',
  'loading': 'Loading…',
  'error.load': 'Could not load this page: {detail}',
  'error.notfound': 'Not found.',
  'error.network': 'The server did not answer. Check your connection and try again.',
  'retry': 'Try again',
  'none': '—',
  'yes': 'yes',
  'no': 'no',

  'signin.title': 'Sign in',
  'signin.intro': 'Paste the access token the secretariat gave you. It is sent once to open a session; this browser keeps only a session cookie.',
  'signin.token': 'Access token',
  'signin.submit': 'Sign in',
  'signin.bad': 'This token was not accepted. Check that it is complete and has not been revoked.',
  'signin.link': 'This sign-in link is not valid any more (expired or revoked). Paste a token, or use the link of a newer reminder.',
  'signin.out': 'You are signed out.',

  'dash.title': 'Dashboard',
  'dash.asof': 'As of {date}',
  'dash.open': 'Open',
  'dash.overdue': 'Overdue',
  'dash.due_soon': 'Due soon',
  'dash.counts': 'Counts',
  'dash.by_status': 'Recommendations by status',
  'dash.by_age': 'Overdue by age',
  'dash.by_owner': 'Overdue by owner',
  'dash.by_meeting': 'Overdue by meeting',
  'dash.oldest': 'Oldest overdue items',
  'dash.nothing_overdue': 'Nothing is overdue.',
  'dash.chart_status': 'Bar chart: number of recommendations in each status',
  'dash.chart_age': 'Histogram: overdue recommendations by how many days they are late',
  'age.days': '{from}–{to} days',
  'age.more': '{from}+ days',

  'col.ref': 'Ref.',
  'col.text': 'Recommendation',
  'col.owner': 'Owner',
  'col.status': 'Status',
  'col.due': 'Due',
  'col.late': 'Days late',
  'col.count': 'Number',
  'col.meeting': 'Meeting',
  'col.code': 'Code',
  'col.title': 'Title',
  'col.dates': 'Dates',
  'col.place': 'Place',
  'col.series': 'Series',
  'col.name': 'Name',
  'col.handle': 'Handle',
  'col.open': 'Open',
  'col.overdue': 'Overdue',
  'col.email': 'E-mail',
  'col.priority': 'Priority',
  'col.range': 'Days late',

  'meetings.title': 'Meetings',
  'meetings.empty': 'No meetings yet.',
  'meeting.progress': 'Progress by status',
  'meeting.recs': 'Recommendations',
  'meeting.brief': 'Follow-up brief',
  'meeting.brief_intro': 'Series {series}: open recommendations of earlier meetings and what changed since {previous}.',
  'meeting.brief_first': 'Series {series}: the first meeting of its series.',
  'meeting.brief_open': 'Still open from earlier meetings',
  'meeting.brief_changes': 'Changes since the previous meeting',
  'meeting.organisers': 'Organisers',
  'meeting.notes': 'Notes',
  'meeting.total': '{open} open of {total}, {overdue} overdue',
  'meeting.empty': 'This meeting has no recommendations.',

  'recs.title': 'Recommendations',
  'recs.filters': 'Filters',
  'recs.q': 'Search the text',
  'recs.q_hint': 'At least 3 characters; accents are ignored.',
  'recs.any': 'Any',
  'recs.state': 'Open or closed',
  'recs.open': 'Open',
  'recs.closed': 'Closed',
  'recs.overdue_only': 'Overdue only',
  'recs.tag': 'Tag',
  'recs.due_after': 'Due after',
  'recs.due_before': 'Due before',
  'recs.apply': 'Apply',
  'recs.reset': 'Clear filters',
  'recs.next': 'Next page',
  'recs.first': 'First page',
  'recs.empty': 'No recommendation matches.',
  'recs.shown': '{n} shown',

  'rec.fields': 'Details',
  'rec.text': 'Text',
  'rec.details': 'Details',
  'rec.meeting': 'Meeting',
  'rec.owner': 'Lead owner',
  'rec.supporting': 'Supporting',
  'rec.status': 'Status',
  'rec.priority': 'Priority',
  'rec.due': 'Deadline',
  'rec.tags': 'Tags',
  'rec.version': 'Version',
  'rec.overdue': 'Overdue',
  'rec.overdue_days': '{n} days overdue',
  'rec.created': 'Created',
  'rec.updated': 'Updated',
  'rec.closed': 'Closed',
  'rec.history': 'History',
  'rec.actions': 'Update',
  'rec.move': 'Move to',
  'rec.no_moves': 'The workflow allows no move from this status.',
  'rec.comment': 'Comment',
  'rec.comment_hint': 'Required to move to: {list}.',
  'rec.comment_add': 'Add comment',
  'rec.comment_needed': 'A comment is required to move to “{status}”. Write it above, then choose the status again.',
  'rec.comment_empty': 'Write a comment first.',
  'rec.edit': 'Reassign and deadline',
  'rec.edit_owner': 'Lead owner',
  'rec.edit_none': '(nobody)',
  'rec.edit_due': 'Deadline',
  'rec.edit_save': 'Save',
  'rec.edit_nochange': 'Nothing to save: the owner and the deadline are unchanged.',
  'rec.saved': 'Saved.',
  'rec.moved': 'Moved to “{status}”.',
  'rec.commented': 'Comment added.',
  'rec.stale': 'Someone else changed this item since you opened it — reload to see their change. What you typed is kept.',
  'rec.reload': 'Reload the item',
  'rec.reloaded': 'Reloaded. Your text is still in the box.',
  'rec.readonly': 'You can read this item; only its lead owner and the secretariat can update it.',
  'rec.refused': 'Refused: {detail}',

  'hist.created': 'Created',
  'hist.transition': 'Status changed',
  'hist.edit': 'Edited',
  'hist.comment': 'Comment',
  'hist.by': 'by {actor}',
  'hist.mail': 'by mail reply',
  'hist.empty': 'No history.',

  'owners.title': 'Owners',
  'owner.leads': 'What it leads',
  'owner.empty': 'This owner leads no recommendation.',
  'owner.inactive': 'inactive',
  'owner.links': 'Sign-in links',
  'owner.revoke': 'Revoke its sign-in links',
  'owner.revoke_hint': 'The links of the digests already sent stop working and the sessions they opened end; the next digest carries a new link.',
  'owner.revoked': 'Sign-in links revoked; {n} open sessions ended.',

  'reports.title': 'Reports',
  'reports.overdue': 'Overdue report',
  'reports.summary': 'Summary',
  'reports.brief': 'Follow-up brief',
  'reports.brief_meeting': 'Meeting of a series',
  'reports.brief_show': 'Show the brief',
  'reports.brief_none': 'No meeting belongs to a series.',
  'reports.csv': 'Download as CSV',
  'reports.text': 'Plain text',
  'reports.total': '{n} overdue',
  'reports.unowned': 'Without a lead owner',
  'reports.too_many': '{n} items are overdue: choose an owner or a meeting to see them here, or download them all as CSV.',
  'reports.by_meeting': 'By meeting',
  'reports.by_owner': 'By owner',
  'reports.by_status': 'By status',
};

const fr = {
  'app.name': 'suivi',
  'skip': 'Aller au contenu',
  'nav.label': 'Principal',
  'nav.dashboard': 'Tableau de bord',
  'nav.meetings': 'Réunions',
  'nav.recommendations': 'Recommandations',
  'nav.owners': 'Responsables',
  'nav.reports': 'Rapports',
  'nav.menu': 'Menu',
  'lang.label': 'Langue',
  'lang.switch': 'English',
  'signout': 'Se déconnecter',
  'signed.as': 'Connexion :',
  'role.admin': 'administration',
  'role.secretariat': 'secrétariat',
  'role.owner': 'responsable',
  'role.viewer': 'lecture',
  'loading': 'Chargement…',
  'error.load': 'Impossible de charger cette page : {detail}',
  'error.notfound': 'Introuvable.',
  'error.network': 'Le serveur ne répond pas. Vérifiez la connexion et réessayez.',
  'retry': 'Réessayer',
  'none': '—',
  'yes': 'oui',
  'no': 'non',

  'signin.title': 'Connexion',
  'signin.intro': 'Collez le jeton d’accès que le secrétariat vous a remis. Il sert une fois à ouvrir une session ; ce navigateur ne garde qu’un cookie de session.',
  'signin.token': 'Jeton d’accès',
  'signin.submit': 'Se connecter',
  'signin.bad': 'Ce jeton n’a pas été accepté. Vérifiez qu’il est complet et n’a pas été révoqué.',
  'signin.link': 'Ce lien de connexion n’est plus valable (expiré ou révoqué). Collez un jeton, ou utilisez le lien d’un rappel plus récent.',
  'signin.out': 'Vous êtes déconnecté.',

  'dash.title': 'Tableau de bord',
  'dash.asof': 'Au {date}',
  'dash.open': 'Ouvertes',
  'dash.overdue': 'En retard',
  'dash.due_soon': 'Échéance proche',
  'dash.counts': 'Chiffres',
  'dash.by_status': 'Recommandations par statut',
  'dash.by_age': 'Retards par ancienneté',
  'dash.by_owner': 'Retards par responsable',
  'dash.by_meeting': 'Retards par réunion',
  'dash.oldest': 'Retards les plus anciens',
  'dash.nothing_overdue': 'Aucun retard.',
  'dash.chart_status': 'Diagramme en barres : nombre de recommandations par statut',
  'dash.chart_age': 'Histogramme : recommandations en retard selon le nombre de jours de retard',
  'age.days': '{from} à {to} jours',
  'age.more': '{from} jours et plus',

  'col.ref': 'Réf.',
  'col.text': 'Recommandation',
  'col.owner': 'Responsable',
  'col.status': 'Statut',
  'col.due': 'Échéance',
  'col.late': 'Jours de retard',
  'col.count': 'Nombre',
  'col.meeting': 'Réunion',
  'col.code': 'Code',
  'col.title': 'Titre',
  'col.dates': 'Dates',
  'col.place': 'Lieu',
  'col.series': 'Série',
  'col.name': 'Nom',
  'col.handle': 'Identifiant',
  'col.open': 'En cours',
  'col.overdue': 'En retard',
  'col.email': 'Courriel',
  'col.priority': 'Priorité',
  'col.range': 'Jours de retard',

  'meetings.title': 'Réunions',
  'meetings.empty': 'Aucune réunion.',
  'meeting.progress': 'Avancement par statut',
  'meeting.recs': 'Recommandations',
  'meeting.brief': 'Note de suivi',
  'meeting.brief_intro': 'Série {series} : recommandations encore ouvertes des réunions précédentes et changements depuis {previous}.',
  'meeting.brief_first': 'Série {series} : première réunion de la série.',
  'meeting.brief_open': 'Encore ouvertes depuis les réunions précédentes',
  'meeting.brief_changes': 'Changements depuis la réunion précédente',
  'meeting.organisers': 'Organisateurs',
  'meeting.notes': 'Notes',
  'meeting.total': '{open} ouvertes sur {total}, {overdue} en retard',
  'meeting.empty': 'Cette réunion n’a aucune recommandation.',

  'recs.title': 'Recommandations',
  'recs.filters': 'Filtres',
  'recs.q': 'Rechercher dans le texte',
  'recs.q_hint': 'Au moins 3 caractères ; les accents sont ignorés.',
  'recs.any': 'Tous',
  'recs.state': 'Ouvertes ou closes',
  'recs.open': 'Ouvertes',
  'recs.closed': 'Closes',
  'recs.overdue_only': 'En retard seulement',
  'recs.tag': 'Mot-clé',
  'recs.due_after': 'Échéance après le',
  'recs.due_before': 'Échéance avant le',
  'recs.apply': 'Appliquer',
  'recs.reset': 'Effacer les filtres',
  'recs.next': 'Page suivante',
  'recs.first': 'Première page',
  'recs.empty': 'Aucune recommandation ne correspond.',
  'recs.shown': '{n} affichées',

  'rec.fields': 'Fiche',
  'rec.text': 'Texte',
  'rec.details': 'Précisions',
  'rec.meeting': 'Réunion',
  'rec.owner': 'Responsable',
  'rec.supporting': 'En appui',
  'rec.status': 'Statut',
  'rec.priority': 'Priorité',
  'rec.due': 'Échéance',
  'rec.tags': 'Mots-clés',
  'rec.version': 'Version',
  'rec.overdue': 'En retard',
  'rec.overdue_days': '{n} jours de retard',
  'rec.created': 'Créée le',
  'rec.updated': 'Modifiée le',
  'rec.closed': 'Close le',
  'rec.history': 'Historique',
  'rec.actions': 'Mettre à jour',
  'rec.move': 'Passer à',
  'rec.no_moves': 'Le circuit ne prévoit aucun changement depuis ce statut.',
  'rec.comment': 'Commentaire',
  'rec.comment_hint': 'Obligatoire pour passer à : {list}.',
  'rec.comment_add': 'Ajouter le commentaire',
  'rec.comment_needed': 'Un commentaire est obligatoire pour passer à « {status} ». Écrivez-le ci-dessus, puis choisissez à nouveau le statut.',
  'rec.comment_empty': 'Écrivez d’abord un commentaire.',
  'rec.edit': 'Réattribuer et échéance',
  'rec.edit_owner': 'Responsable',
  'rec.edit_none': '(personne)',
  'rec.edit_due': 'Échéance',
  'rec.edit_save': 'Enregistrer',
  'rec.edit_nochange': 'Rien à enregistrer : responsable et échéance inchangés.',
  'rec.saved': 'Enregistré.',
  'rec.moved': 'Passée à « {status} ».',
  'rec.commented': 'Commentaire ajouté.',
  'rec.stale': 'Quelqu’un d’autre a modifié cette recommandation depuis son ouverture — rechargez-la pour voir sa modification. Votre texte est conservé.',
  'rec.reload': 'Recharger la recommandation',
  'rec.reloaded': 'Rechargée. Votre texte est toujours dans la zone de saisie.',
  'rec.readonly': 'Vous pouvez consulter cette recommandation ; seuls son responsable et le secrétariat peuvent la mettre à jour.',
  'rec.refused': 'Refusé : {detail}',

  'hist.created': 'Création',
  'hist.transition': 'Changement de statut',
  'hist.edit': 'Modification',
  'hist.comment': 'Commentaire',
  'hist.by': 'par {actor}',
  'hist.mail': 'par réponse au courriel',
  'hist.empty': 'Aucun historique.',

  'owners.title': 'Responsables',
  'owner.leads': 'Recommandations dont il a la charge',
  'owner.empty': 'Ce responsable n’a la charge d’aucune recommandation.',
  'owner.inactive': 'inactif',
  'owner.links': 'Liens de connexion',
  'owner.revoke': 'Révoquer ses liens de connexion',
  'owner.revoke_hint': 'Les liens des rappels déjà envoyés cessent de fonctionner et les sessions ouvertes avec eux se terminent ; le prochain rappel porte un nouveau lien.',
  'owner.revoked': 'Liens de connexion révoqués ; {n} sessions ouvertes terminées.',

  'reports.title': 'Rapports',
  'reports.overdue': 'Rapport des retards',
  'reports.summary': 'Synthèse',
  'reports.brief': 'Note de suivi',
  'reports.brief_meeting': 'Réunion d’une série',
  'reports.brief_show': 'Afficher la note',
  'reports.brief_none': 'Aucune réunion n’appartient à une série.',
  'reports.csv': 'Télécharger en CSV',
  'reports.text': 'Texte brut',
  'reports.total': '{n} en retard',
  'reports.unowned': 'Sans responsable',
  'reports.too_many': '{n} recommandations sont en retard : choisissez un responsable ou une réunion pour les voir ici, ou téléchargez-les toutes en CSV.',
  'reports.by_meeting': 'Par réunion',
  'reports.by_owner': 'Par responsable',
  'reports.by_status': 'Par statut',
};

const dicts = { en, fr };

function initial() {
  let stored = null;
  try {
    stored = localStorage.getItem(STORE);
  } catch (e) {
    stored = null;
  }
  if (LANGS.includes(stored)) return stored;
  const nav = navigator.language || (navigator.languages && navigator.languages[0]) || 'en';
  const base = nav.toLowerCase().split('-')[0];
  return LANGS.includes(base) ? base : 'en';
}

export let lang = initial();

export function setLang(l) {
  if (!LANGS.includes(l)) return;
  lang = l;
  try {
    localStorage.setItem(STORE, l);
  } catch (e) {
    // private mode: the choice lasts for this page only
  }
  document.documentElement.lang = l;
}

// The text of key with {name} replaced by vars.name.
export function t(key, vars) {
  let text = dicts[lang][key] ?? en[key] ?? key;
  if (vars) text = text.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
  return text;
}

// A label from the API's {"en": …, "fr": …}, in this language if it has one.
export function label(labels, fallback) {
  if (labels && typeof labels === 'object') return labels[lang] || labels.en || fallback;
  return fallback;
}

const dateFmt = {};
const timeFmt = {};

// "2026-03-31" as a date of this language; the date stays the same whatever the zone.
export function fmtDate(iso) {
  if (!iso) return t('none');
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return iso;
  dateFmt[lang] ??= new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeZone: 'UTC' });
  return dateFmt[lang].format(d);
}

// A UTC timestamp in the browser's zone.
export function fmtTime(iso) {
  if (!iso) return t('none');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  timeFmt[lang] ??= new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short' });
  return timeFmt[lang].format(d);
}

const numFmt = {};

export function fmtNum(n) {
  numFmt[lang] ??= new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB');
  return numFmt[lang].format(n);
}
