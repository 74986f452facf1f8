-- demo.sql — demonstration data for the quick start (dev/run loads it once into a fresh
-- embedded database). Five meetings taken from real follow-up reports, the organisations
-- that own their recommendations, and recommendations in every state, with deadlines
-- relative to today so that some are overdue and some due soon whenever it is loaded.
-- Written against migrations/0001_init.sql; run with psql -v ON_ERROR_STOP=1.

BEGIN;

INSERT INTO owners (handle, name, email, locale) VALUES
	('ocrtis', 'Office anti-stupéfiants (OFAST, ex-OCRTIS), France', 'ofast-international@example.org', 'fr'),
	('ocs-mali', 'Office central des stupéfiants du Mali', 'ocs@example.ml', 'fr'),
	('unodc', 'ONUDC / UNODC — Office des Nations unies contre la drogue et le crime', 'unodc-wca@example.org', 'en'),
	('eucap-sahel', 'EUCAP Sahel Mali', 'eucap-sahel@example.eu', 'fr'),
	('g5-sahel', 'Secrétariat permanent du G5 Sahel', '', 'fr'),
	('caricc', 'CARICC — Central Asian Regional Information and Coordination Centre', 'caricc@example.org', 'en'),
	('eu-act', 'EU ACT — EU Action against Drug and Organised Crime', 'eu-act@example.eu', 'en'),
	('cadap', 'CADAP — Central Asia Drug Action Programme', 'cadap@example.eu', 'en'),
	('empact-synthetic', 'Europol EMPACT — synthetic drugs operational action plan', 'empact@example.eu', 'en'),
	('police-federale-be', 'Police fédérale belge', 'coop-internationale@example.be', 'fr'),
	('benelux-sg', 'Secrétariat général Benelux', 'secretariat@example.int', 'fr'),
	('wco', 'Organisation mondiale des douanes / World Customs Organization', '', 'en'),
	('ameripol', 'AMERIPOL — Comunidad de Policías de América', '', 'en'),
	('cosi-clasi', 'COSI–CLASI joint secretariat', 'cosi-clasi@example.eu', 'en'),
	('eeas-central-asia', 'EEAS — Central Asia division', '', 'en');

INSERT INTO meetings (code, title, starts_on, ends_on, place, organisers, notes, series) VALUES
	('bamako-2019',
	 'Atelier régional sur la coopération en matière de trafic illicite de stupéfiants',
	 '2019-10-01', '2019-10-03',
	 'Bamako, École de maintien de la paix Alioune Blondin Beye',
	 ARRAY['Office central des stupéfiants', 'Ambassade de France au Mali',
	       'Ambassade des États-Unis au Mali', 'EUCAP Sahel Mali', 'MINUSMA'],
	 'Chefs des services anti-drogue du Burkina Faso, de Côte d''Ivoire, de Guinée, du Mali, '
	 'du Niger et du Sénégal; experts ONUDC, OCRTIS, ISS, ISMI Abidjan, G5 Sahel, Interpol.',
	 NULL),
	('euca-drugs-2023',
	 'EU ACT II and CADAP 7 meeting on the priorities of the EU–Central Asia drugs dialogue',
	 '2023-12-11', '2023-12-11', '',
	 ARRAY['EU ACT II', 'CADAP 7'],
	 'Side event; Central Asian partners, EU-funded projects (EU ACT, CADAP, BOMCA, LEICA), '
	 'UN and CARICC. Follows the Joint Roadmap for Deepening Ties between the EU and Central '
	 'Asia (October 2023).',
	 'eu-central-asia'),
	('benelux-postal-2024',
	 'Conférence internationale sur la distribution de drogues de synthèse par les services postaux et de messagerie',
	 '2024-03-26', '2024-03-27', 'Bruxelles, Maison du Benelux',
	 ARRAY['Police fédérale belge', 'Partenaires Benelux', 'Europol EMPACT'],
	 'Police et douanes de 22 États membres, États-Unis, Australie, Nouvelle-Zélande, '
	 'Macédoine du Nord, Norvège, Islande, ONUDC/INCB, OMD.',
	 NULL),
	('eu-clasi-2024',
	 'Réunion de haut niveau UE–Amérique latine sur la sécurité et les affaires intérieures (COSI–CLASI)',
	 '2024-05-30', '2024-05-30', 'Bruxelles',
	 ARRAY['Présidence belge du Conseil de l''UE', 'Présidence pro tempore du CLASI (Équateur)'],
	 'Avec la Commission européenne, le SEAE, Europol, Eurojust, l''OEDT, le MAOC-N et AMERIPOL.',
	 NULL),
	('euca-ct-2015',
	 'EU–Central Asia seminar on counter-terrorism cooperation',
	 '2015-03-25', '2015-03-25', 'Brussels',
	 ARRAY['Latvian Presidency of the Council of the EU', 'European Commission', 'EEAS'],
	 'First seminar of its kind; Kazakhstan, Kyrgyzstan, Tajikistan, Uzbekistan and EU '
	 'institutions. Practical follow-up of the high-level security dialogue of 11 March 2015 in '
	 'Dushanbe.',
	 'eu-central-asia');

-- One row per recommendation: status is where it stands today; a closed one is recorded as
-- created 'accepted' (or 'proposed' before a refusal) and then moved, as the workflow allows.
CREATE TEMPORARY TABLE demo_recs (
	code       text,
	n          integer,
	text       text,
	owner      text,
	supporting text[],
	status     text,
	priority   text,
	due        integer, -- days from today, NULL: no deadline
	tags       text[],
	comment    text     -- comment of the closing transition
) ON COMMIT DROP;

INSERT INTO demo_recs VALUES
	('bamako-2019', 1, 'Mettre en place un cadre de concertation périodique des services de lutte contre les stupéfiants de la sous-région.',
	 'ocs-mali', ARRAY['g5-sahel', 'eucap-sahel'], 'in_progress', 'high', -40, ARRAY['coopération', 'gouvernance'], NULL),
	('bamako-2019', 2, 'Élaborer un guide pratique sur les enquêtes en matière de trafic de stupéfiants.',
	 'ocrtis', ARRAY['unodc'], 'accepted', 'normal', 12, ARRAY['formation'], NULL),
	('bamako-2019', 3, 'Créer une base de données régionale partagée sur les saisies et les routes du trafic.',
	 'unodc', ARRAY['g5-sahel'], 'blocked', 'high', -12, ARRAY['données'], NULL),
	('bamako-2019', 4, 'Institutionnaliser un séminaire national annuel sur la lutte contre les stupéfiants.',
	 'ocs-mali', NULL, 'implemented', 'normal', -200, ARRAY['gouvernance'], 'Premier séminaire tenu, inscrit au budget annuel.'),
	('bamako-2019', 5, 'Faire intervenir l''OCS dans les écoles de formation de la police et de la gendarmerie.',
	 'eucap-sahel', ARRAY['ocs-mali'], 'in_progress', 'normal', 5, ARRAY['formation'], NULL),
	('bamako-2019', 6, 'Plaider pour la mise en œuvre des recommandations du séminaire national de 2016.',
	 'g5-sahel', NULL, 'proposed', 'low', NULL, ARRAY['plaidoyer'], NULL),

	('euca-drugs-2023', 1, 'Map synthetic drugs and precursor flows across Central Asia and share the results with national agencies.',
	 'caricc', ARRAY['cadap'], 'accepted', 'high', 9, ARRAY['synthetic-drugs', 'precursors'], NULL),
	('euca-drugs-2023', 2, 'Train investigators on cross-border money-laundering cases linked to synthetic drugs, applying FATF standards.',
	 'eu-act', ARRAY['unodc'], 'in_progress', 'normal', 45, ARRAY['financial-investigation', 'training'], NULL),
	('euca-drugs-2023', 3, 'Brief policy makers and law enforcement on darknet markets and possible countermeasures.',
	 'eu-act', NULL, 'proposed', 'normal', NULL, ARRAY['darknet'], NULL),
	('euca-drugs-2023', 4, 'Set up a knowledge-exchange and capacity-building plan shared by the EU-funded projects in the region.',
	 'cadap', ARRAY['eu-act', 'caricc'], 'in_progress', 'normal', -3, ARRAY['capacity-building'], NULL),
	('euca-drugs-2023', 5, 'Collect good practices on the health consequences of drug use for national programmes.',
	 'cadap', NULL, 'accepted', 'low', 90, ARRAY['health'], NULL),

	('benelux-postal-2024', 1, 'Disseminate the Benelux barrier model to the police and customs of the participating countries.',
	 'police-federale-be', ARRAY['benelux-sg'], 'implemented', 'normal', -60, ARRAY['postal', 'best-practice'], 'Model presented to 22 member states and published on the EMPACT platform.'),
	('benelux-postal-2024', 2, 'Agree information-sharing arrangements with postal and express-courier operators.',
	 'empact-synthetic', ARRAY['police-federale-be'], 'in_progress', 'high', -12, ARRAY['postal', 'public-private'], NULL),
	('benelux-postal-2024', 3, 'Join the WCO Synthetic Drugs Detection Project with the customs of the Benelux countries.',
	 'wco', NULL, 'accepted', 'normal', 20, ARRAY['customs', 'detection'], NULL),
	('benelux-postal-2024', 4, 'Pilot the INCB tools for the early detection of synthetic drug consignments.',
	 'unodc', ARRAY['wco'], 'proposed', 'normal', 30, ARRAY['detection'], NULL),
	('benelux-postal-2024', 5, 'Hold a follow-up conference one year later at the Benelux House.',
	 'benelux-sg', NULL, 'obsolete', 'low', -250, ARRAY['follow-up'], 'Folded into the EMPACT annual meeting.'),

	('eu-clasi-2024', 1, 'Adopter des procédures de travail conjointes COSI–CLASI et le calendrier des prochaines réunions.',
	 'cosi-clasi', NULL, 'implemented', 'high', -150, ARRAY['gouvernance'], 'Procédures adoptées en séance.'),
	('eu-clasi-2024', 2, 'Rapprocher les évaluations de la menace SOCTA (UE) et IDEAL 3.0 (CLASI).',
	 'ameripol', ARRAY['cosi-clasi'], 'in_progress', 'high', -40, ARRAY['analyse-de-la-menace'], NULL),
	('eu-clasi-2024', 3, 'Rendre compte de la mise en œuvre de la déclaration commune UE–CLASI du 28 septembre 2023.',
	 'cosi-clasi', NULL, 'accepted', 'normal', 4, ARRAY['rapport'], NULL),
	('eu-clasi-2024', 4, 'Associer les ports d''Amérique latine à l''Alliance portuaire européenne.',
	 'empact-synthetic', ARRAY['ameripol'], 'proposed', 'normal', 75, ARRAY['ports'], NULL),
	('eu-clasi-2024', 5, 'Échanger sur les enquêtes visant les plateformes de cryptomonnaies utilisées par les réseaux criminels.',
	 'ameripol', NULL, 'blocked', 'normal', -3, ARRAY['crypto'], NULL),

	('euca-ct-2015', 1, 'Share best practices on counter-terrorism legislation between the EU and Central Asian states.',
	 'eeas-central-asia', NULL, 'implemented', 'normal', -2500, ARRAY['legislation'], 'Compendium circulated to all partners.'),
	('euca-ct-2015', 2, 'Cooperate more closely on preventing violent extremism and radicalisation.',
	 'eeas-central-asia', ARRAY['unodc'], 'in_progress', 'high', -90, ARRAY['p-cve'], NULL),
	('euca-ct-2015', 3, 'Exchange information on foreign terrorist fighters through a regional channel.',
	 'caricc', NULL, 'not_accepted', 'high', NULL, ARRAY['foreign-fighters'], 'Outside CARICC''s mandate (drugs only).'),
	('euca-ct-2015', 4, 'Report on the seminar''s conclusions at the next high-level security dialogue.',
	 'eeas-central-asia', NULL, 'obsolete', 'normal', -3000, ARRAY['follow-up'], 'Overtaken by the 2019 EU strategy for Central Asia.');

-- Created in the state each one was first recorded in.
INSERT INTO recommendations (meeting_id, n, text, owner_id, status, priority, due_on, tags,
			     version, created_at, updated_at)
SELECT m.id, d.n, d.text, o.id,
       CASE d.status WHEN 'implemented' THEN 'accepted' WHEN 'obsolete' THEN 'accepted'
		     WHEN 'not_accepted' THEN 'proposed' ELSE d.status END,
       d.priority, current_date + d.due, d.tags, 1,
       (m.ends_on + time '17:00') AT TIME ZONE 'Europe/Brussels',
       (m.ends_on + time '17:00') AT TIME ZONE 'Europe/Brussels'
FROM demo_recs d
JOIN meetings m ON m.code = d.code
LEFT JOIN owners o ON o.handle = d.owner;

INSERT INTO recommendation_supporters (rec_id, owner_id)
SELECT r.id, o.id
FROM demo_recs d
JOIN meetings m ON m.code = d.code
JOIN recommendations r ON r.meeting_id = m.id AND r.n = d.n
CROSS JOIN LATERAL unnest(d.supporting) AS s(handle)
JOIN owners o ON o.handle = s.handle;

UPDATE meetings m SET last_n = (SELECT max(n) FROM recommendations r WHERE r.meeting_id = m.id)
WHERE EXISTS (SELECT 1 FROM recommendations r WHERE r.meeting_id = m.id);

INSERT INTO history (rec_id, version, at, actor, kind, before, after)
SELECT r.id, 1, r.created_at, 'demo', 'created', NULL,
       jsonb_build_object('text', r.text, 'owner', o.handle,
			  'supporting', coalesce((SELECT jsonb_agg(so.handle ORDER BY so.handle)
						  FROM recommendation_supporters rs
						  JOIN owners so ON so.id = rs.owner_id
						  WHERE rs.rec_id = r.id), '[]'::jsonb),
			  'status', r.status, 'priority', r.priority, 'due_on', r.due_on,
			  'tags', to_jsonb(r.tags))
FROM recommendations r
LEFT JOIN owners o ON o.id = r.owner_id;

-- Then the closing transitions, with their comments.
INSERT INTO history (rec_id, version, at, actor, kind, before, after, comment)
SELECT r.id, 2, now() - interval '2 days', 'demo', 'transition',
       jsonb_build_object('status', r.status), jsonb_build_object('status', d.status), d.comment
FROM demo_recs d
JOIN meetings m ON m.code = d.code
JOIN recommendations r ON r.meeting_id = m.id AND r.n = d.n
WHERE r.status <> d.status;

UPDATE recommendations r SET status = d.status, version = 2, updated_at = now() - interval '2 days'
FROM demo_recs d
JOIN meetings m ON m.code = d.code
WHERE r.meeting_id = m.id AND r.n = d.n AND r.status <> d.status;

COMMIT;
