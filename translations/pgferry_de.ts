<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>CoreServices</name>
    <message>
        <source>Check the user and password, and that pg_hba.conf lets this machine in.</source>
        <translation>Prüfen Sie Benutzer und Passwort und ob pg_hba.conf diesen Rechner zulässt.</translation>
    </message>
    <message>
        <source>Check the SSL mode and the CA file.</source>
        <translation>Prüfen Sie den SSL-Modus und die CA-Datei.</translation>
    </message>
    <message>
        <source>Check the host and port, that the server runs, and that a firewall lets this machine through.</source>
        <translation>Prüfen Sie Host und Port, ob der Server läuft und ob eine Firewall diesen Rechner durchlässt.</translation>
    </message>
    <message>
        <source>Check the database name.</source>
        <translation>Prüfen Sie den Datenbanknamen.</translation>
    </message>
    <message>
        <source>Could not connect to %1: %2</source>
        <translation>Keine Verbindung zu %1: %2</translation>
    </message>
    <message>
        <source>pgferry report: %1</source>
        <translation>pgferry-Bericht: %1</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Tabelle</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>Zeilen</translation>
    </message>
    <message>
        <source>Bytes</source>
        <translation>Bytes</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>pgferry assessment: %1</source>
        <translation>pgferry-Bewertung: %1</translation>
    </message>
</context>
<context>
    <name>Format</name>
    <message>
        <source>%1 rows/s</source>
        <translation>%1 Zeilen/s</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1 d %2 h</source>
        <translation>%1 T %2 h</translation>
    </message>
    <message>
        <source>Not started</source>
        <translation>Nicht gestartet</translation>
    </message>
    <message>
        <source>Assessing</source>
        <translation>Wird bewertet</translation>
    </message>
    <message>
        <source>Preparing</source>
        <translation>Wird vorbereitet</translation>
    </message>
    <message>
        <source>Running</source>
        <translation>Läuft</translation>
    </message>
    <message>
        <source>Streaming changes</source>
        <translation>Überträgt Änderungen</translation>
    </message>
    <message>
        <source>Cutting over</source>
        <translation>Umstellung läuft</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>Stopped</source>
        <translation>Angehalten</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>Wartet</translation>
    </message>
    <message>
        <source>Copying the schema</source>
        <translation>Schema wird kopiert</translation>
    </message>
    <message>
        <source>Full load</source>
        <translation>Vollständiges Laden</translation>
    </message>
    <message>
        <source>Building indexes</source>
        <translation>Indizes werden erstellt</translation>
    </message>
    <message>
        <source>Verifying</source>
        <translation>Wird überprüft</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Eingereiht</translation>
    </message>
    <message>
        <source>Loading</source>
        <translation>Lädt</translation>
    </message>
    <message>
        <source>Loaded</source>
        <translation>Geladen</translation>
    </message>
    <message>
        <source>Indexing</source>
        <translation>Indizierung</translation>
    </message>
    <message>
        <source>Cut over, fallback streaming</source>
        <translation>Umgestellt, überträgt zum Fallback</translation>
    </message>
    <message>
        <source>Failing back</source>
        <translation>Rückwechsel läuft</translation>
    </message>
    <message>
        <source>Fallback streaming</source>
        <translation>Überträgt zum Fallback</translation>
    </message>
</context>
<context>
    <name>SampleServices</name>
    <message>
        <source>Source PostgreSQL 12.17, target 16.2: a supported upgrade path.</source>
        <translation>Quelle PostgreSQL 12.17, Ziel 16.2: ein unterstützter Upgrade-Pfad.</translation>
    </message>
    <message>
        <source>wal_level is logical; replication slots available: 10.</source>
        <translation>wal_level ist logical; verfügbare Replikations-Slots: 10.</translation>
    </message>
    <message>
        <source>All 7 extensions in use are allow-listed on the target.</source>
        <translation>Alle 7 verwendeten Erweiterungen sind auf dem Ziel zugelassen.</translation>
    </message>
    <message>
        <source>2 tables have neither a primary key nor a replica identity: their updates and deletes cannot be streamed.</source>
        <translation>2 Tabellen haben weder Primärschlüssel noch Replikatidentität: ihre Updates und Deletes können nicht übertragen werden.</translation>
    </message>
    <message>
        <source>Add a primary key, or ALTER TABLE … REPLICA IDENTITY FULL (slower on the target).</source>
        <translation>Fügen Sie einen Primärschlüssel hinzu oder ALTER TABLE … REPLICA IDENTITY FULL (langsamer auf dem Ziel).</translation>
    </message>
    <message>
        <source>1 unlogged table is copied once; its later changes are not in the WAL and are not streamed.</source>
        <translation>1 ungeloggte Tabelle wird einmal kopiert; spätere Änderungen stehen nicht im WAL und werden nicht übertragen.</translation>
    </message>
    <message>
        <source>Nothing to do if the table is a cache.</source>
        <translation>Nichts zu tun, wenn die Tabelle ein Cache ist.</translation>
    </message>
    <message>
        <source>Large objects are copied during the full load but not streamed.</source>
        <translation>Large Objects werden beim vollständigen Laden kopiert, aber nicht übertragen.</translation>
    </message>
    <message>
        <source>Avoid changing large objects during the migration, or cut over soon after the load.</source>
        <translation>Ändern Sie Large Objects während der Migration nicht, oder stellen Sie bald nach dem Laden um.</translation>
    </message>
    <message>
        <source>migrator has REPLICATION and can read every table.</source>
        <translation>migrator hat REPLICATION und kann jede Tabelle lesen.</translation>
    </message>
    <message>
        <source>Source and target use UTF8.</source>
        <translation>Quelle und Ziel verwenden UTF8.</translation>
    </message>
    <message>
        <source>the sample has no engine</source>
        <translation>das Beispiel hat keine Engine</translation>
    </message>
    <message numerus="yes">
        <source>full load %1 of %n table(s)</source>
        <translation>
            <numerusform>Volllast %1 von %n Tabelle</numerusform>
            <numerusform>Volllast %1 von %n Tabellen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>catching up, %1 change(s) pending</source>
        <translation>
            <numerusform>holt auf, %1 Änderung ausstehend</numerusform>
            <numerusform>holt auf, %1 Änderungen ausstehend</numerusform>
        </translation>
    </message>
    <message>
        <source>copying table %1: could not extend file: No space left on device (SQLSTATE 53100)</source>
        <translation>Kopieren der Tabelle %1: Datei konnte nicht erweitert werden: Kein Platz mehr auf dem Gerät (SQLSTATE 53100)</translation>
    </message>
    <message>
        <source>pgferry assessment: %1</source>
        <translation>pgferry-Bewertung: %1</translation>
    </message>
</context>
<context>
    <name>WizardServices</name>
    <message>
        <source>%1 could not be written: %2. Choose another folder or free some space.</source>
        <translation>%1 konnte nicht geschrieben werden: %2. Wählen Sie einen anderen Ordner oder schaffen Sie Speicherplatz.</translation>
    </message>
    <message>
        <source>Enter the source on the Source page first: the recommendation is measured there.</source>
        <translation>Geben Sie zuerst auf der Seite „Quelle“ die Quelle an: dort wird für die Empfehlung gemessen.</translation>
    </message>
    <message>
        <source>Cannot measure the source %1: %2</source>
        <translation>Die Quelle %1 kann nicht gemessen werden: %2</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::AssessmentView</name>
    <message>
        <source>Passed</source>
        <translation>Bestanden</translation>
    </message>
    <message>
        <source>Info</source>
        <translation>Hinweis</translation>
    </message>
    <message>
        <source>Warning</source>
        <translation>Warnung</translation>
    </message>
    <message>
        <source>Blocker</source>
        <translation>Blocker</translation>
    </message>
    <message>
        <source>The assessment runs after a successful connection test.</source>
        <translation>Die Bewertung läuft nach einem erfolgreichen Verbindungstest.</translation>
    </message>
    <message>
        <source>Assessment findings</source>
        <translation>Ergebnisse der Bewertung</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>Schweregrad</translation>
    </message>
    <message>
        <source>Finding</source>
        <translation>Befund</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Objects</source>
        <translation>Objekte</translation>
    </message>
    <message>
        <source>Explanation and remediation</source>
        <translation>Erklärung und Abhilfe</translation>
    </message>
    <message>
        <source>Assessing…</source>
        <translation>Bewertung läuft…</translation>
    </message>
    <message>
        <source>The assessment could not run: %1</source>
        <translation>Die Bewertung konnte nicht laufen: %1</translation>
    </message>
    <message>
        <source>all</source>
        <translation>alle</translation>
    </message>
    <message numerus="yes">
        <source>%n blocker(s) must be fixed before the migration can run.</source>
        <translation>
            <numerusform>%n Blocker muss behoben werden, bevor die Migration laufen kann.</numerusform>
            <numerusform>%n Blocker müssen behoben werden, bevor die Migration laufen kann.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s).</source>
        <translation>
            <numerusform>%n Warnung.</numerusform>
            <numerusform>%n Warnungen.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Ready to migrate, with %n warning(s) to review.</source>
        <translation>
            <numerusform>Bereit zur Migration, mit %n Warnung zur Durchsicht.</numerusform>
            <numerusform>Bereit zur Migration, mit %n Warnungen zur Durchsicht.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Ready to migrate: all %n check(s) passed.</source>
        <translation>
            <numerusform>Bereit zur Migration: die %n Prüfung ist bestanden.</numerusform>
            <numerusform>Bereit zur Migration: alle %n Prüfungen bestanden.</numerusform>
        </translation>
    </message>
    <message>
        <source>Objects:</source>
        <translation>Objekte:</translation>
    </message>
    <message>
        <source>What to do:</source>
        <translation>Was zu tun ist:</translation>
    </message>
    <message>
        <source>&amp;Export report</source>
        <translation>Bericht &amp;exportieren</translation>
    </message>
    <message>
        <source>Export the assessment report</source>
        <translation>Bewertungsbericht exportieren</translation>
    </message>
    <message>
        <source>Saves every finding with its remediation as an HTML page or as JSON.</source>
        <translation>Speichert jeden Befund mit seiner Behebung als HTML-Seite oder als JSON.</translation>
    </message>
    <message>
        <source>As &amp;HTML…</source>
        <translation>Als H&amp;TML…</translation>
    </message>
    <message>
        <source>As &amp;JSON…</source>
        <translation>Als &amp;JSON…</translation>
    </message>
    <message>
        <source>Show fix scr&amp;ipt…</source>
        <translation>Korrekturskr&amp;ipt anzeigen…</translation>
    </message>
    <message>
        <source>Show the fix script</source>
        <translation>Korrekturskript anzeigen</translation>
    </message>
    <message>
        <source>SQL and settings that fix what can be fixed; read them, then copy or save them.</source>
        <translation>SQL und Einstellungen, die beheben, was sich beheben lässt; lesen Sie sie, dann kopieren oder speichern Sie sie.</translation>
    </message>
    <message>
        <source>S&amp;ave fix script…</source>
        <translation>Korrekturskript &amp;speichern…</translation>
    </message>
    <message>
        <source>Save the fix script to a file</source>
        <translation>Korrekturskript in einer Datei speichern</translation>
    </message>
    <message>
        <source>Export the assessment as JSON</source>
        <translation>Bewertung als JSON exportieren</translation>
    </message>
    <message>
        <source>JSON report (*.json)</source>
        <translation>JSON-Bericht (*.json)</translation>
    </message>
    <message>
        <source>The assessment report is saved in %1.</source>
        <translation>Der Bewertungsbericht wurde in %1 gespeichert.</translation>
    </message>
    <message>
        <source>Export the assessment as HTML</source>
        <translation>Bewertung als HTML exportieren</translation>
    </message>
    <message>
        <source>HTML report (*.html)</source>
        <translation>HTML-Bericht (*.html)</translation>
    </message>
    <message>
        <source>Save the fix script</source>
        <translation>Korrekturskript speichern</translation>
    </message>
    <message>
        <source>SQL script (*.sql);;All files (*)</source>
        <translation>SQL-Skript (*.sql);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>The fix script is saved in %1.</source>
        <translation>Das Korrekturskript wurde in %1 gespeichert.</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::AzureActions</name>
    <message>
        <source>Learn more</source>
        <translation>Mehr erfahren</translation>
    </message>
    <message>
        <source>Protect and watch the Azure server</source>
        <translation>Azure-Server schützen und überwachen</translation>
    </message>
    <message>
        <source>E-mail address for the alerts</source>
        <translation>E-Mail-Adresse für die Warnungen</translation>
    </message>
    <message>
        <source>e-mail address, e.g. dba@contoso.com</source>
        <translation>E-Mail-Adresse, z. B. dba@contoso.com</translation>
    </message>
    <message>
        <source>Create &amp;alerts</source>
        <translation>Warnungen &amp;erstellen</translation>
    </message>
    <message>
        <source>Azure Monitor alert rules on the server (CPU, memory, storage, connections, availability, and lag where it applies) that e-mail this address through the action group pgferry-SERVER-alerts, as pgferry-cli azure alerts does. Running it again updates the same rules.</source>
        <translation>Azure Monitor-Warnungsregeln auf dem Server (CPU, Arbeitsspeicher, Speicher, Verbindungen, Verfügbarkeit und, wo zutreffend, Verzögerung), die über die Aktionsgruppe pgferry-SERVER-alerts an diese Adresse mailen, wie pgferry-cli azure alerts. Ein erneuter Aufruf aktualisiert dieselben Regeln.</translation>
    </message>
    <message>
        <source>Add a delete &amp;lock</source>
        <translation>&amp;Löschsperre hinzufügen</translation>
    </message>
    <message>
        <source>A CanNotDelete management lock (pgferry-do-not-delete) on the server, as pgferry-cli azure lock does.</source>
        <translation>Eine Verwaltungssperre CanNotDelete (pgferry-do-not-delete) auf dem Server, wie pgferry-cli azure lock.</translation>
    </message>
    <message>
        <source>Name of the read replica</source>
        <translation>Name des Lesereplikats</translation>
    </message>
    <message>
        <source>replica name</source>
        <translation>Name des Replikats</translation>
    </message>
    <message>
        <source>Region of the read replica</source>
        <translation>Region des Lesereplikats</translation>
    </message>
    <message>
        <source>Create read &amp;replica</source>
        <translation>Lesere&amp;plikat erstellen</translation>
    </message>
    <message>
        <source>A read replica of the server in the region chosen, in the server&apos;s resource group, as pgferry-cli azure replica does. Azure takes several minutes.</source>
        <translation>Ein Lesereplikat des Servers in der gewählten Region, in der Ressourcengruppe des Servers, wie pgferry-cli azure replica. Azure braucht dafür einige Minuten.</translation>
    </message>
    <message>
        <source>Alerts</source>
        <translation>Warnungen</translation>
    </message>
    <message>
        <source>be told by e-mail when the server runs short or goes down.</source>
        <translation>per E-Mail benachrichtigt werden, wenn dem Server Ressourcen ausgehen oder er ausfällt.</translation>
    </message>
    <message>
        <source>Delete lock</source>
        <translation>Löschsperre</translation>
    </message>
    <message>
        <source>protect the new server from being deleted by mistake.</source>
        <translation>den neuen Server vor versehentlichem Löschen schützen.</translation>
    </message>
    <message>
        <source>Read replica</source>
        <translation>Lesereplikat</translation>
    </message>
    <message>
        <source>offload reads and prepare for regional failover.</source>
        <translation>Lesezugriffe auslagern und auf regionales Failover vorbereiten.</translation>
    </message>
    <message>
        <source>The project names no Azure flexible server, so these actions cannot run. Pick the server on the Target page.</source>
        <translation>Das Projekt nennt keinen Azure Flexible Server, daher können diese Aktionen nicht ausgeführt werden. Wählen Sie den Server auf der Seite „Zielserver“.</translation>
    </message>
    <message>
        <source>On server %1. Each action signs in to Azure first if needed.</source>
        <translation>Auf Server %1. Jede Aktion meldet sich bei Bedarf zuerst bei Azure an.</translation>
    </message>
    <message>
        <source>Creating the action group and the alert rules on %1…</source>
        <translation>Aktionsgruppe und Warnungsregeln auf %1 werden erstellt…</translation>
    </message>
    <message>
        <source>Adding the delete lock on %1…</source>
        <translation>Löschsperre auf %1 wird hinzugefügt…</translation>
    </message>
    <message>
        <source>Creating the read replica %1 in %2; Azure takes several minutes…</source>
        <translation>Lesereplikat %1 in %2 wird erstellt; Azure braucht dafür einige Minuten…</translation>
    </message>
    <message>
        <source>To sign in to Azure, open &lt;a href=&quot;%1&quot;&gt;%1&lt;/a&gt; in a browser and enter the code &lt;b&gt;%2&lt;/b&gt;</source>
        <translation>Um sich bei Azure anzumelden, öffnen Sie &lt;a href=&quot;%1&quot;&gt;%1&lt;/a&gt; in einem Browser und geben Sie den Code &lt;b&gt;%2&lt;/b&gt; ein</translation>
    </message>
    <message>
        <source>To sign in to Azure, open %1 in a browser and enter the code %2</source>
        <translation>Um sich bei Azure anzumelden, öffnen Sie %1 in einem Browser und geben Sie den Code %2 ein</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Alert rules on %1: %2. They e-mail %3 through the action group %4.</source>
        <translation>Warnungsregeln auf %1: %2. Sie benachrichtigen %3 per E-Mail über die Aktionsgruppe %4.</translation>
    </message>
    <message>
        <source>The lock %1 (CanNotDelete) protects %2 from deletion; remove the lock in the Azure portal before deleting the server.</source>
        <translation>Die Sperre %1 (CanNotDelete) schützt %2 vor dem Löschen; entfernen Sie die Sperre im Azure-Portal, bevor Sie den Server löschen.</translation>
    </message>
    <message>
        <source>The read replica %1 of %2 is %3 in %4 (%5).</source>
        <translation>Das Lesereplikat %1 von %2 ist %3 in %4 (%5).</translation>
    </message>
    <message>
        <source>created</source>
        <translation>erstellt</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::AzurePanel</name>
    <message>
        <source>Sign in to Azure</source>
        <translation>Bei Azure anmelden</translation>
    </message>
    <message>
        <source>Sign in with a device code: you enter a short code on a Microsoft page in any browser.</source>
        <translation>Anmeldung mit Gerätecode: Sie geben einen kurzen Code auf einer Microsoft-Seite in einem beliebigen Browser ein.</translation>
    </message>
    <message>
        <source>Azure subscription</source>
        <translation>Azure-Abonnement</translation>
    </message>
    <message>
        <source>Azure resource group</source>
        <translation>Azure-Ressourcengruppe</translation>
    </message>
    <message>
        <source>Azure flexible server</source>
        <translation>Azure Flexible Server</translation>
    </message>
    <message>
        <source>Add a firewall rule for this machine&apos;s address</source>
        <translation>Firewallregel für die Adresse dieses Rechners hinzufügen</translation>
    </message>
    <message>
        <source>New server name</source>
        <translation>Name des neuen Servers</translation>
    </message>
    <message>
        <source>lowercase letters, digits and hyphens</source>
        <translation>Kleinbuchstaben, Ziffern und Bindestriche</translation>
    </message>
    <message>
        <source>PostgreSQL version of the new server</source>
        <translation>PostgreSQL-Version des neuen Servers</translation>
    </message>
    <message>
        <source>Compute of the new server</source>
        <translation>Rechenleistung des neuen Servers</translation>
    </message>
    <message>
        <source>Burstable B2s (2 vCores, 4 GiB)</source>
        <translation>Burstfähig B2s (2 vCores, 4 GiB)</translation>
    </message>
    <message>
        <source>General Purpose D2ds v5 (2 vCores, 8 GiB)</source>
        <translation>Universell D2ds v5 (2 vCores, 8 GiB)</translation>
    </message>
    <message>
        <source>General Purpose D4ds v5 (4 vCores, 16 GiB)</source>
        <translation>Universell D4ds v5 (4 vCores, 16 GiB)</translation>
    </message>
    <message>
        <source>Memory Optimized E4ds v5 (4 vCores, 32 GiB)</source>
        <translation>Arbeitsspeicheroptimiert E4ds v5 (4 vCores, 32 GiB)</translation>
    </message>
    <message>
        <source>Storage of the new server in GiB</source>
        <translation>Speicher des neuen Servers in GiB</translation>
    </message>
    <message>
        <source> GiB</source>
        <translation> GiB</translation>
    </message>
    <message>
        <source>Region of the new server</source>
        <translation>Region des neuen Servers</translation>
    </message>
    <message>
        <source>Administrator of the new server</source>
        <translation>Administrator des neuen Servers</translation>
    </message>
    <message>
        <source>Administrator password of the new server</source>
        <translation>Administratorpasswort des neuen Servers</translation>
    </message>
    <message>
        <source>password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>administrator login</source>
        <translation>Administratoranmeldung</translation>
    </message>
    <message>
        <source>Create the flexible server</source>
        <translation>Flexible Server erstellen</translation>
    </message>
    <message>
        <source>Create a new flexible server</source>
        <translation>Neuen Flexible Server erstellen</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>Name:</translation>
    </message>
    <message>
        <source>Compute:</source>
        <translation>Rechenleistung:</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>Version:</translation>
    </message>
    <message>
        <source>Region:</source>
        <translation>Region:</translation>
    </message>
    <message>
        <source>Storage:</source>
        <translation>Speicher:</translation>
    </message>
    <message>
        <source>Administrator:</source>
        <translation>Administrator:</translation>
    </message>
    <message>
        <source>Open &lt;a href=&quot;%1&quot;&gt;%1&lt;/a&gt; in a browser and enter the code &lt;b style=&apos;font-size:14pt&apos;&gt;%2&lt;/b&gt;</source>
        <translation>Öffnen Sie &lt;a href=&quot;%1&quot;&gt;%1&lt;/a&gt; in einem Browser und geben Sie den Code &lt;b style=&apos;font-size:14pt&apos;&gt;%2&lt;/b&gt; ein</translation>
    </message>
    <message>
        <source>Waiting for you to sign in…</source>
        <translation>Warten auf Ihre Anmeldung…</translation>
    </message>
    <message>
        <source>Reading resource groups…</source>
        <translation>Ressourcengruppen werden gelesen…</translation>
    </message>
    <message>
        <source>Reading flexible servers…</source>
        <translation>Flexible Server werden gelesen…</translation>
    </message>
    <message>
        <source>%1 (PostgreSQL %2, %3)</source>
        <translation>%1 (PostgreSQL %2, %3)</translation>
    </message>
    <message>
        <source>Enter the new server&apos;s name, administrator and password.</source>
        <translation>Geben Sie Name, Administrator und Passwort des neuen Servers ein.</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Cancel the Azure sign-in or operation</source>
        <translation>Die Azure-Anmeldung oder den Vorgang abbrechen</translation>
    </message>
    <message>
        <source>This machine&apos;s public IPv4 address</source>
        <translation>Öffentliche IPv4-Adresse dieses Rechners</translation>
    </message>
    <message>
        <source>found when you add the rule</source>
        <translation>wird beim Hinzufügen der Regel ermittelt</translation>
    </message>
    <message>
        <source>The address Azure sees this machine connect from. Left empty, pgferry asks a public address service for it.</source>
        <translation>Die Adresse, von der aus Azure diesen Rechner verbinden sieht. Bleibt das Feld leer, fragt pgferry einen öffentlichen Adressdienst.</translation>
    </message>
    <message>
        <source>Allows this machine&apos;s public address to reach the server (rule pgferry-&lt;address&gt;).</source>
        <translation>Erlaubt der öffentlichen Adresse dieses Rechners den Zugriff auf den Server (Regel pgferry-&lt;Adresse&gt;).</translation>
    </message>
    <message>
        <source>This &amp;machine:</source>
        <translation>Dieser &amp;Rechner:</translation>
    </message>
    <message>
        <source>Open %1 in a browser and enter the code %2</source>
        <translation>Öffnen Sie %1 in einem Browser und geben Sie den Code %2 ein</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Azure is creating the server (%1); this takes several minutes…</source>
        <translation>Azure erstellt den Server (%1); das dauert einige Minuten …</translation>
    </message>
    <message>
        <source>Asking Microsoft for a sign-in code…</source>
        <translation>Microsoft wird nach einem Anmeldecode gefragt …</translation>
    </message>
    <message>
        <source>Reading subscriptions…</source>
        <translation>Abonnements werden gelesen …</translation>
    </message>
    <message>
        <source>The signed-in account sees no enabled subscription. Ask for access to one, or sign in with another account.</source>
        <translation>Das angemeldete Konto sieht kein aktiviertes Abonnement. Bitten Sie um Zugriff auf eines oder melden Sie sich mit einem anderen Konto an.</translation>
    </message>
    <message>
        <source>This subscription has no resource group; create one in the Azure portal first.</source>
        <translation>Dieses Abonnement hat keine Ressourcengruppe; legen Sie zuerst eine im Azure-Portal an.</translation>
    </message>
    <message>
        <source>%1 (PostgreSQL %2, %3, %4)</source>
        <translation>%1 (PostgreSQL %2, %3, %4)</translation>
    </message>
    <message>
        <source>No flexible server in %1: create one below.</source>
        <translation>Kein Flexible Server in %1: Legen Sie unten einen an.</translation>
    </message>
    <message numerus="yes">
        <source>%n flexible server(s) in %1. Pick the one to migrate to.</source>
        <translation>
            <numerusform>%n Flexible Server in %1. Wählen Sie das Migrationsziel.</numerusform>
            <numerusform>%n Flexible Server in %1. Wählen Sie das Migrationsziel.</numerusform>
        </translation>
    </message>
    <message>
        <source>Sign in to Azure first.</source>
        <translation>Melden Sie sich zuerst bei Azure an.</translation>
    </message>
    <message>
        <source>Creating %1 in %2; this takes several minutes…</source>
        <translation>%1 wird in %2 erstellt; das dauert einige Minuten …</translation>
    </message>
    <message>
        <source>Created %1. Add a firewall rule for this machine, then test the connection.</source>
        <translation>%1 wurde erstellt. Fügen Sie eine Firewallregel für diesen Rechner hinzu und testen Sie dann die Verbindung.</translation>
    </message>
    <message>
        <source>Adding a firewall rule for %1 on %2…</source>
        <translation>Firewallregel für %1 auf %2 wird hinzugefügt …</translation>
    </message>
    <message>
        <source>Firewall rule %1 added: %2 can reach %3.</source>
        <translation>Firewallregel %1 hinzugefügt: %2 erreicht %3.</translation>
    </message>
    <message>
        <source>Finding this machine&apos;s public address…</source>
        <translation>Öffentliche Adresse dieses Rechners wird ermittelt …</translation>
    </message>
    <message>
        <source>S&amp;ign in to Azure…</source>
        <translation>Be&amp;i Azure anmelden…</translation>
    </message>
    <message>
        <source>&amp;Add firewall rule</source>
        <translation>&amp;Firewall-Regel hinzufügen</translation>
    </message>
    <message>
        <source>Cr&amp;eate server</source>
        <translation>Server &amp;erstellen</translation>
    </message>
    <message>
        <source>Subsc&amp;ription:</source>
        <translation>Abo&amp;nnement:</translation>
    </message>
    <message>
        <source>Resource &amp;group:</source>
        <translation>Ressourcen&amp;gruppe:</translation>
    </message>
    <message>
        <source>F&amp;lexible server:</source>
        <translation>Flexibler &amp;Server:</translation>
    </message>
    <message>
        <source>Delegated subnet of the new server (private access)</source>
        <translation>Delegiertes Subnetz des neuen Servers (privater Zugriff)</translation>
    </message>
    <message>
        <source>subnet resource id (optional: private access)</source>
        <translation>Ressourcen-ID des Subnetzes (optional: privater Zugriff)</translation>
    </message>
    <message>
        <source>/subscriptions/…/providers/Microsoft.Network/virtualNetworks/VNET/subnets/SUBNET, delegated to Microsoft.DBforPostgreSQL/flexibleServers. The server then has no public endpoint: pgferry must run inside that network or over its site-to-site VPN or ExpressRoute.</source>
        <translation>/subscriptions/…/providers/Microsoft.Network/virtualNetworks/VNET/subnets/SUBNET, delegiert an Microsoft.DBforPostgreSQL/flexibleServers. Der Server hat dann keinen öffentlichen Endpunkt: pgferry muss in diesem Netz laufen oder über dessen Site-to-Site-VPN oder ExpressRoute.</translation>
    </message>
    <message>
        <source>Private DNS zone of the new server (private access)</source>
        <translation>Private DNS-Zone des neuen Servers (privater Zugriff)</translation>
    </message>
    <message>
        <source>private DNS zone resource id</source>
        <translation>Ressourcen-ID der privaten DNS-Zone</translation>
    </message>
    <message>
        <source>/subscriptions/…/providers/Microsoft.Network/privateDnsZones/NAME.private.postgres.database.azure.com</source>
        <translation>/subscriptions/…/providers/Microsoft.Network/privateDnsZones/NAME.private.postgres.database.azure.com</translation>
    </message>
    <message>
        <source>Recommend from the source</source>
        <translation>Aus der Quelle empfehlen</translation>
    </message>
    <message>
        <source>Recommend the tier, compute and storage from the source</source>
        <translation>Tarif, Rechenleistung und Speicher aus der Quelle empfehlen</translation>
    </message>
    <message>
        <source>Measures the source for 10 seconds (size, connections, memory settings, transaction and WAL rate), as pgferry-cli azure size does, and fills in the tier, compute and storage.</source>
        <translation>Misst die Quelle 10 Sekunden lang (Größe, Verbindungen, Speichereinstellungen, Transaktions- und WAL-Rate) wie pgferry-cli azure size und trägt Tarif, Rechenleistung und Speicher ein.</translation>
    </message>
    <message>
        <source>Private access:</source>
        <translation>Privater Zugriff:</translation>
    </message>
    <message>
        <source>Measuring the source for 10 seconds to recommend the server…</source>
        <translation>Die Quelle wird 10 Sekunden lang gemessen, um den Server zu empfehlen…</translation>
    </message>
    <message>
        <source>%1 %2 (%3 vCores, %4 GiB)</source>
        <translation>%1 %2 (%3 vCores, %4 GiB)</translation>
    </message>
    <message>
        <source>Recommended: &lt;b&gt;%1 %2&lt;/b&gt;, %3 vCores, %4 GiB memory, %5 GiB storage (%6, %7 IOPS).</source>
        <translation>Empfohlen: &lt;b&gt;%1 %2&lt;/b&gt;, %3 vCores, %4 GiB Arbeitsspeicher, %5 GiB Speicher (%6, %7 IOPS).</translation>
    </message>
    <message>
        <source>Recommended: %1 %2, %3 GiB storage.</source>
        <translation>Empfohlen: %1 %2, %3 GiB Speicher.</translation>
    </message>
    <message>
        <source>No public access. Run pgferry inside the server&apos;s virtual network, or on a machine connected to it over a site-to-site VPN or ExpressRoute. %1</source>
        <translation>Kein öffentlicher Zugriff. Führen Sie pgferry im virtuellen Netz des Servers aus oder auf einem Rechner, der über Site-to-Site-VPN oder ExpressRoute damit verbunden ist. %1</translation>
    </message>
    <message>
        <source>Created %1 with private access only. Test the connection from inside its virtual network.</source>
        <translation>%1 wurde nur mit privatem Zugriff erstellt. Testen Sie die Verbindung aus seinem virtuellen Netz.</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::ConnectionForm</name>
    <message>
        <source>%1 host</source>
        <translation>%1: Host</translation>
    </message>
    <message>
        <source>server.example.com or 10.0.0.5</source>
        <translation>server.example.com oder 10.0.0.5</translation>
    </message>
    <message>
        <source>%1 port</source>
        <translation>%1: Port</translation>
    </message>
    <message>
        <source>%1 user</source>
        <translation>%1: Benutzer</translation>
    </message>
    <message>
        <source>a role with the REPLICATION attribute, or a superuser</source>
        <translation>eine Rolle mit dem Attribut REPLICATION oder ein Superuser</translation>
    </message>
    <message>
        <source>%1 password</source>
        <translation>%1: Passwort</translation>
    </message>
    <message>
        <source>empty: use ~/.pgpass or the keychain</source>
        <translation>leer: ~/.pgpass oder den Schlüsselbund verwenden</translation>
    </message>
    <message>
        <source>Remember the %1 password in the keychain</source>
        <translation>Passwort für %1 im Schlüsselbund merken</translation>
    </message>
    <message>
        <source>%1 maintenance database</source>
        <translation>%1: Wartungsdatenbank</translation>
    </message>
    <message>
        <source>%1 SSL mode</source>
        <translation>%1: SSL-Modus</translation>
    </message>
    <message>
        <source>prefer (TLS when the server offers it)</source>
        <translation>prefer (TLS, wenn der Server es anbietet)</translation>
    </message>
    <message>
        <source>disable (no TLS)</source>
        <translation>disable (kein TLS)</translation>
    </message>
    <message>
        <source>require (TLS, no certificate check)</source>
        <translation>require (TLS, ohne Zertifikatsprüfung)</translation>
    </message>
    <message>
        <source>verify-ca (TLS, check the CA)</source>
        <translation>verify-ca (TLS, CA prüfen)</translation>
    </message>
    <message>
        <source>verify-full (TLS, check CA and host name)</source>
        <translation>verify-full (TLS, CA und Hostnamen prüfen)</translation>
    </message>
    <message>
        <source>%1 CA certificate file</source>
        <translation>%1: CA-Zertifikatsdatei</translation>
    </message>
    <message>
        <source>system certificates</source>
        <translation>Systemzertifikate</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>Durchsuchen…</translation>
    </message>
    <message>
        <source>Choose the %1 CA certificate file</source>
        <translation>CA-Zertifikatsdatei für %1 wählen</translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation>&amp;Verbindung testen</translation>
    </message>
    <message>
        <source>Test the %1 connection</source>
        <translation>Verbindung zu %1 testen</translation>
    </message>
    <message>
        <source>&amp;Port:</source>
        <translation>&amp;Port:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <source>Pass&amp;word:</source>
        <translation>Passwor&amp;t:</translation>
    </message>
    <message>
        <source>&amp;Database:</source>
        <translation>Datenban&amp;k:</translation>
    </message>
    <message>
        <source>&amp;SSL mode:</source>
        <translation>SS&amp;L-Modus:</translation>
    </message>
    <message>
        <source>&amp;CA file:</source>
        <translation>&amp;CA-Datei:</translation>
    </message>
    <message>
        <source>CA certificate</source>
        <translation>CA-Zertifikat</translation>
    </message>
    <message>
        <source>Certificates (*.pem *.crt *.cer);;All files (*)</source>
        <translation>Zertifikate (*.pem *.crt *.cer);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Enter the server&apos;s host name or IP address.</source>
        <translation>Geben Sie den Hostnamen oder die IP-Adresse des Servers ein.</translation>
    </message>
    <message>
        <source>A host name cannot contain spaces.</source>
        <translation>Ein Hostname darf keine Leerzeichen enthalten.</translation>
    </message>
    <message>
        <source>Enter the user to connect as.</source>
        <translation>Geben Sie den Benutzer für die Verbindung ein.</translation>
    </message>
    <message>
        <source>The CA file %1 cannot be read. Choose an existing PEM file.</source>
        <translation>Die CA-Datei %1 kann nicht gelesen werden. Wählen Sie eine vorhandene PEM-Datei.</translation>
    </message>
    <message>
        <source>A CA file has no effect with SSL disabled. Choose verify-ca or verify-full.</source>
        <translation>Bei deaktiviertem SSL hat eine CA-Datei keine Wirkung. Wählen Sie verify-ca oder verify-full.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbindung wird aufgebaut…</translation>
    </message>
    <message>
        <source>Remember in the &amp;keychain</source>
        <translation>I&amp;m Schlüsselbund speichern</translation>
    </message>
    <message>
        <source>H&amp;ost:</source>
        <translation>H&amp;ost:</translation>
    </message>
    <message>
        <source>How to sign in to the %1</source>
        <translation>Anmeldung bei %1</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Microsoft Entra ID</source>
        <translation>Microsoft Entra ID</translation>
    </message>
    <message>
        <source>The user is the Microsoft Entra ID principal&apos;s name, exactly as its role is spelled (e.g. migrator@contoso.onmicrosoft.com). The password is an access token from your Azure sign-in (AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET, or pgferry-cli azure login), fetched for every connection and never stored.</source>
        <translation>Der Benutzer ist der Name des Microsoft-Entra-ID-Prinzipals, genau so geschrieben wie seine Rolle (z. B. migrator@contoso.onmicrosoft.com). Das Passwort ist ein Zugriffstoken aus Ihrer Azure-Anmeldung (AZURE_TENANT_ID, AZURE_CLIENT_ID und AZURE_CLIENT_SECRET oder pgferry-cli azure login), das für jede Verbindung neu geholt und nie gespeichert wird.</translation>
    </message>
    <message>
        <source>Sign-in t&amp;ype:</source>
        <translation>Anmeld&amp;ung mit:</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::CoreAzureSession</name>
    <message>
        <source>The Azure cloud configuration %1 cannot be used: %2. Fix the file, or remove it from the project to use Azure&apos;s public cloud.</source>
        <translation>Die Azure-Cloudkonfiguration %1 ist nicht verwendbar: %2. Korrigieren Sie die Datei oder entfernen Sie sie aus dem Projekt, um die öffentliche Azure-Cloud zu verwenden.</translation>
    </message>
    <message>
        <source>The project names an unknown Azure cloud &quot;%1&quot;; use AzureCloud, AzureChinaCloud or AzureUSGovernment, or a cloud configuration file.</source>
        <translation>Das Projekt nennt eine unbekannte Azure-Cloud „%1“; verwenden Sie AzureCloud, AzureChinaCloud oder AzureUSGovernment oder eine Cloudkonfigurationsdatei.</translation>
    </message>
    <message>
        <source>Signed in as the service principal from AZURE_CLIENT_ID.</source>
        <translation>Als Dienstprinzipal aus AZURE_CLIENT_ID angemeldet.</translation>
    </message>
    <message>
        <source>The Azure service principal in the environment is incomplete: %1</source>
        <translation>Der Azure-Dienstprinzipal in der Umgebung ist unvollständig: %1</translation>
    </message>
    <message>
        <source>Signed in with the sign-in kept in the keychain.</source>
        <translation>Mit der im Schlüsselbund gespeicherten Anmeldung angemeldet.</translation>
    </message>
    <message>
        <source>Signed in.</source>
        <translation>Angemeldet.</translation>
    </message>
    <message>
        <source>Signed in for this session; the sign-in could not be kept in the keychain (%1), so you will sign in again next time.</source>
        <translation>Für diese Sitzung angemeldet; die Anmeldung konnte nicht im Schlüsselbund gespeichert werden (%1), daher melden Sie sich beim nächsten Mal erneut an.</translation>
    </message>
    <message>
        <source>Sign-in cancelled.</source>
        <translation>Anmeldung abgebrochen.</translation>
    </message>
    <message>
        <source>The sign-in code expired before it was entered. Sign in again and enter the new code promptly.</source>
        <translation>Der Anmeldecode ist abgelaufen, bevor er eingegeben wurde. Melden Sie sich erneut an und geben Sie den neuen Code zügig ein.</translation>
    </message>
    <message>
        <source>The sign-in was declined in the browser. Sign in again and approve it to let pgferry manage Azure resources.</source>
        <translation>Die Anmeldung wurde im Browser abgelehnt. Melden Sie sich erneut an und bestätigen Sie sie, damit pgferry Azure-Ressourcen verwalten kann.</translation>
    </message>
    <message>
        <source>Microsoft&apos;s sign-in service could not be reached (%1). Check the network connection and proxy, then sign in again.</source>
        <translation>Der Anmeldedienst von Microsoft ist nicht erreichbar (%1). Prüfen Sie Netzwerkverbindung und Proxy und melden Sie sich dann erneut an.</translation>
    </message>
    <message>
        <source>Microsoft&apos;s sign-in service refused the sign-in (%1). Check the tenant and sign in again.</source>
        <translation>Der Anmeldedienst von Microsoft hat die Anmeldung abgewiesen (%1). Prüfen Sie den Mandanten und melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>%1: cancelled.</source>
        <translation>%1: abgebrochen.</translation>
    </message>
    <message>
        <source>%1: Azure no longer accepts the sign-in (%2). Sign in again.</source>
        <translation>%1: Azure akzeptiert die Anmeldung nicht mehr (%2). Melden Sie sich erneut an.</translation>
    </message>
    <message>
        <source>%1: the signed-in account lacks permission (%2). Ask for the Contributor role on the subscription or resource group, or pick another one.</source>
        <translation>%1: Dem angemeldeten Konto fehlt die Berechtigung (%2). Bitten Sie um die Rolle „Mitwirkender“ für das Abonnement oder die Ressourcengruppe, oder wählen Sie eine andere.</translation>
    </message>
    <message>
        <source>%1: Azure reports a conflict (%2). Another operation may be running on the resource, or the name is taken; wait and try again, or choose another name.</source>
        <translation>%1: Azure meldet einen Konflikt (%2). Möglicherweise läuft ein anderer Vorgang auf der Ressource, oder der Name ist vergeben; warten Sie und versuchen Sie es erneut, oder wählen Sie einen anderen Namen.</translation>
    </message>
    <message>
        <source>%1: Azure kept throttling the requests (%2). Wait a minute and try again.</source>
        <translation>%1: Azure hat die Anfragen wiederholt gedrosselt (%2). Warten Sie eine Minute und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>%1: Azure reports that the operation failed (%2). Check the values and the resource&apos;s activity log in the Azure portal, then try again.</source>
        <translation>%1: Azure meldet, dass der Vorgang fehlgeschlagen ist (%2). Prüfen Sie die Werte und das Aktivitätsprotokoll der Ressource im Azure-Portal und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>%1: Azure could not be reached (%2). Check the network connection and proxy, then try again.</source>
        <translation>%1: Azure ist nicht erreichbar (%2). Prüfen Sie Netzwerkverbindung und Proxy und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>%1: not signed in to Azure. Sign in first.</source>
        <translation>%1: nicht bei Azure angemeldet. Melden Sie sich zuerst an.</translation>
    </message>
    <message>
        <source>Could not list the Azure subscriptions</source>
        <translation>Die Azure-Abonnements konnten nicht aufgelistet werden</translation>
    </message>
    <message>
        <source>Could not list the resource groups of subscription %1</source>
        <translation>Die Ressourcengruppen des Abonnements %1 konnten nicht aufgelistet werden</translation>
    </message>
    <message>
        <source>Could not list the flexible servers in resource group %1</source>
        <translation>Die Flexible Server in der Ressourcengruppe %1 konnten nicht aufgelistet werden</translation>
    </message>
    <message>
        <source>Could not create the flexible server %1</source>
        <translation>Der Flexible Server %1 konnte nicht erstellt werden</translation>
    </message>
    <message>
        <source>the answer was not an IPv4 address</source>
        <translation>die Antwort war keine IPv4-Adresse</translation>
    </message>
    <message>
        <source>Could not find this machine&apos;s public address at %1 (%2). Type the address into the field.</source>
        <translation>Die öffentliche Adresse dieses Rechners konnte bei %1 nicht ermittelt werden (%2). Geben Sie die Adresse in das Feld ein.</translation>
    </message>
    <message>
        <source>Could not add a firewall rule for %1</source>
        <translation>Für %1 konnte keine Firewallregel hinzugefügt werden</translation>
    </message>
    <message>
        <source>%1: pick a flexible server first.</source>
        <translation>%1: Wählen Sie zuerst einen Flexible Server.</translation>
    </message>
    <message>
        <source>Could not add the firewall rule %1 on server %2</source>
        <translation>Die Firewallregel %1 konnte auf Server %2 nicht hinzugefügt werden</translation>
    </message>
    <message>
        <source>Could not create the alerts: the project names no Azure flexible server. Pick the server on the Target page.</source>
        <translation>Die Warnungen konnten nicht erstellt werden: Das Projekt nennt keinen Azure Flexible Server. Wählen Sie den Server auf der Seite „Zielserver“.</translation>
    </message>
    <message>
        <source>Could not create the alerts on server %1</source>
        <translation>Die Warnungen konnten auf Server %1 nicht erstellt werden</translation>
    </message>
    <message>
        <source>%1: &quot;%2&quot; is not an e-mail address such as dba@contoso.com.</source>
        <translation>%1: „%2“ ist keine E-Mail-Adresse wie dba@contoso.com.</translation>
    </message>
    <message>
        <source>Could not set up the action group %1</source>
        <translation>Die Aktionsgruppe %1 konnte nicht eingerichtet werden</translation>
    </message>
    <message>
        <source>Could not create the alert rule %1</source>
        <translation>Die Warnungsregel %1 konnte nicht erstellt werden</translation>
    </message>
    <message>
        <source>The rules before it are in place; create the alerts again to finish.</source>
        <translation>Die Regeln davor sind angelegt; erstellen Sie die Warnungen erneut, um fertig zu werden.</translation>
    </message>
    <message>
        <source>Could not add the delete lock: the project names no Azure flexible server. Pick the server on the Target page.</source>
        <translation>Die Löschsperre konnte nicht hinzugefügt werden: Das Projekt nennt keinen Azure Flexible Server. Wählen Sie den Server auf der Seite „Zielserver“.</translation>
    </message>
    <message>
        <source>Could not add the delete lock %1 on server %2</source>
        <translation>Die Löschsperre %1 konnte auf Server %2 nicht hinzugefügt werden</translation>
    </message>
    <message>
        <source>%1: the signed-in account may not create locks (%2). Locks need the Owner or User Access Administrator role on the server or its resource group; ask for one, or have someone who has it add the lock.</source>
        <translation>%1: Das angemeldete Konto darf keine Sperren erstellen (%2). Sperren erfordern die Rolle „Besitzer“ oder „Benutzerzugriffsadministrator“ für den Server oder seine Ressourcengruppe; bitten Sie um eine davon, oder lassen Sie die Sperre von jemandem mit dieser Rolle hinzufügen.</translation>
    </message>
    <message>
        <source>Could not create the read replica: the project names no Azure flexible server. Pick the server on the Target page.</source>
        <translation>Das Lesereplikat konnte nicht erstellt werden: Das Projekt nennt keinen Azure Flexible Server. Wählen Sie den Server auf der Seite „Zielserver“.</translation>
    </message>
    <message>
        <source>Could not create the read replica %1 of server %2</source>
        <translation>Das Lesereplikat %1 von Server %2 konnte nicht erstellt werden</translation>
    </message>
    <message>
        <source>%1: choose the replica&apos;s region.</source>
        <translation>%1: Wählen Sie die Region des Replikats.</translation>
    </message>
    <message>
        <source>%1 in place</source>
        <translation>%1 angelegt</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::CutoverPage</name>
    <message>
        <source>Cutover</source>
        <translation>Umstellung</translation>
    </message>
    <message>
        <source>Switch to the target: writes stop on the source, the last changes arrive, and the target gets sequences, foreign keys and triggers.</source>
        <translation>Wechsel auf das Ziel: Schreibzugriffe auf der Quelle enden, die letzten Änderungen kommen an, und das Ziel erhält Sequenzen, Fremdschlüssel und Trigger.</translation>
    </message>
    <message>
        <source>&amp;Next &gt;</source>
        <translation>&amp;Weiter &gt;</translation>
    </message>
    <message>
        <source>Cutover steps</source>
        <translation>Schritte der Umstellung</translation>
    </message>
    <message>
        <source>I confirm: applications will connect to the target after the cutover, and writes to the source stop now.</source>
        <translation>Ich bestätige: Anwendungen verbinden sich nach der Umstellung mit dem Ziel, und Schreibzugriffe auf die Quelle enden jetzt.</translation>
    </message>
    <message>
        <source>Confirm the cutover</source>
        <translation>Umstellung bestätigen</translation>
    </message>
    <message>
        <source>&amp;Apply</source>
        <translation>A&amp;nwenden</translation>
    </message>
    <message>
        <source>Apply the cutover</source>
        <translation>Umstellung anwenden</translation>
    </message>
    <message>
        <source>Pending changes drained</source>
        <translation>Abgearbeitete ausstehende Änderungen</translation>
    </message>
    <message>
        <source>Stop writes: make the source databases read-only</source>
        <translation>Schreibzugriffe beenden: Quelldatenbanken schreibgeschützt machen</translation>
    </message>
    <message>
        <source>Stop writes: applications stop writing to the source</source>
        <translation>Schreibzugriffe beenden: Anwendungen schreiben nicht mehr in die Quelle</translation>
    </message>
    <message>
        <source>Wait until pending changes reach zero</source>
        <translation>Warten, bis keine Änderungen mehr ausstehen</translation>
    </message>
    <message>
        <source>Set every sequence to the source&apos;s value</source>
        <translation>Jede Sequenz auf den Wert der Quelle setzen</translation>
    </message>
    <message>
        <source>Create the deferred foreign keys and triggers</source>
        <translation>Zurückgestellte Fremdschlüssel und Trigger erstellen</translation>
    </message>
    <message>
        <source>Verify row counts and checksums of every table</source>
        <translation>Zeilenzahlen und Prüfsummen jeder Tabelle überprüfen</translation>
    </message>
    <message>
        <source>Verification (turned off in the settings)</source>
        <translation>Überprüfung (in den Einstellungen ausgeschaltet)</translation>
    </message>
    <message>
        <source>Clean up: drop the replication slot, publication and origin</source>
        <translation>Aufräumen: Replikations-Slot, Publikation und Origin löschen</translation>
    </message>
    <message>
        <source>%1 pending</source>
        <translation>%1 ausstehend</translation>
    </message>
    <message>
        <source>Cutover complete. The target is ready: point your applications to it.</source>
        <translation>Umstellung abgeschlossen. Das Ziel ist bereit: richten Sie Ihre Anwendungen darauf aus.</translation>
    </message>
    <message>
        <source>The cutover failed: %1</source>
        <translation>Die Umstellung ist fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>see the log</source>
        <translation>siehe Protokoll</translation>
    </message>
    <message>
        <source>Cutting over…</source>
        <translation>Umstellung läuft…</translation>
    </message>
    <message>
        <source>The cutover was applied.</source>
        <translation>Die Umstellung wurde angewendet.</translation>
    </message>
    <message>
        <source>The run is not ready for cutover; see the dashboard.</source>
        <translation>Der Lauf ist nicht bereit für die Umstellung; siehe Dashboard.</translation>
    </message>
    <message>
        <source>Tick the confirmation first.</source>
        <translation>Setzen Sie zuerst das Häkchen zur Bestätigung.</translation>
    </message>
    <message>
        <source>Starts the cutover now.</source>
        <translation>Startet jetzt die Umstellung.</translation>
    </message>
    <message>
        <source>The cutover could not start: %1</source>
        <translation>Die Umstellung konnte nicht starten: %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 pending change(s) left</source>
        <translation>
            <numerusform>noch %1 ausstehende Änderung</numerusform>
            <numerusform>noch %1 ausstehende Änderungen</numerusform>
        </translation>
    </message>
    <message>
        <source>Cutover complete. The target is ready: point your applications to it. Its writes stream back into the old server, which stays a live fallback (see the next page).</source>
        <translation>Umstellung abgeschlossen. Das Ziel ist bereit: richten Sie Ihre Anwendungen darauf aus. Schreibzugriffe auf das Ziel fließen zurück in den alten Server, der als laufend synchronisierter Fallback erhalten bleibt (siehe nächste Seite).</translation>
    </message>
    <message>
        <source>Keep the old server as a live fallbac&amp;k: the new server&apos;s writes stream back into it, so that you can fail back without losing a write</source>
        <translation>Alten Server als Live-Fallbac&amp;k behalten: Schreibzugriffe auf den neuen Server fließen zurück in den alten, sodass Sie ohne Verlust eines Schreibzugriffs zurückwechseln können</translation>
    </message>
    <message>
        <source>Keep the old server as a live fallback</source>
        <translation>Alten Server als Live-Fallback behalten</translation>
    </message>
    <message>
        <source>Creates a slot and publication on the new server at the cutover; fail back or end the fallback on the next page. The new server needs wal_level = logical, a free slot and the REPLICATION right: the cutover checks them before it touches the old server.</source>
        <translation>Legt bei der Umstellung einen Slot und eine Publikation auf dem neuen Server an; auf der nächsten Seite wechseln Sie zurück oder beenden den Fallback. Der neue Server braucht wal_level = logical, einen freien Slot und das Recht REPLICATION: Die Umstellung prüft sie, bevor sie den alten Server anrührt.</translation>
    </message>
    <message>
        <source>Azure&apos;s managed migration service has no fallback after cutover.</source>
        <translation>Der verwaltete Migrationsdienst von Azure bietet nach der Umstellung keinen Fallback.</translation>
    </message>
    <message>
        <source>An offline migration has no stream to turn around.</source>
        <translation>Eine Offline-Migration hat keinen Datenstrom, der sich umkehren ließe.</translation>
    </message>
    <message>
        <source>The fallback needs the source made read-only at cutover (settings page).</source>
        <translation>Der Fallback erfordert, dass die Quelle bei der Umstellung schreibgeschützt wird (Seite „Einstellungen“).</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::DatabaseCard</name>
    <message numerus="yes">
        <source>Full load: %1 of %n table(s) loaded</source>
        <translation>
            <numerusform>Laden: %1 von %n Tabelle</numerusform>
            <numerusform>Laden: %1 von %n Tabellen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Failed: %1 of %n table(s) loaded</source>
        <translation>
            <numerusform>Fehlgeschlagen: %1 von %n Tabelle geladen</numerusform>
            <numerusform>Fehlgeschlagen: %1 von %n Tabellen geladen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Full load completed %1 of %n table(s)</source>
        <translation>
            <numerusform>Geladen: %1 von %n Tabelle</numerusform>
            <numerusform>Geladen: %1 von %n Tabellen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n fehlgeschlagen</numerusform>
            <numerusform>%n fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message>
        <source>Pending changes: %1</source>
        <translation>Ausstehende Änderungen: %1</translation>
    </message>
    <message>
        <source>Lag: %1 · %2</source>
        <translation>Verzögerung: %1 · %2</translation>
    </message>
    <message>
        <source>ETA %1</source>
        <translation>noch %1</translation>
    </message>
    <message>
        <source>Ready</source>
        <translation>Bereit</translation>
    </message>
    <message numerus="yes">
        <source>%n unresolved schema change(s)</source>
        <translation>
            <numerusform>%n ungelöste Schemaänderung</numerusform>
            <numerusform>%n ungelöste Schemaänderungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n schema change(s)</source>
        <translation>
            <numerusform>%n Schemaänderung</numerusform>
            <numerusform>%n Schemaänderungen</numerusform>
        </translation>
    </message>
    <message>
        <source>applied</source>
        <translation>angewendet</translation>
    </message>
    <message>
        <source>deferred to cutover</source>
        <translation>auf die Umstellung verschoben</translation>
    </message>
    <message>
        <source>ignored</source>
        <translation>ignoriert</translation>
    </message>
    <message>
        <source>unresolved</source>
        <translation>ungelöst</translation>
    </message>
    <message numerus="yes">
        <source>%n schema change(s) seen on the source</source>
        <translation>
            <numerusform>%n Schemaänderung auf der Quelle gesehen</numerusform>
            <numerusform>%n Schemaänderungen auf der Quelle gesehen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unresolved change(s) hold the cutover.</source>
        <translation>
            <numerusform>%n ungelöste Änderung hält die Umstellung auf.</numerusform>
            <numerusform>%n ungelöste Änderungen halten die Umstellung auf.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more.</source>
        <translation>
            <numerusform>… und %n weitere.</numerusform>
            <numerusform>… und %n weitere.</numerusform>
        </translation>
    </message>
    <message>
        <source>Click for the list with each statement.</source>
        <translation>Klicken Sie für die Liste mit jeder Anweisung.</translation>
    </message>
    <message>
        <source>Schema changes of %1</source>
        <translation>Schemaänderungen von %1</translation>
    </message>
    <message>
        <source>Schema: carried (event trigger)</source>
        <translation>Schema: übertragen (Ereignistrigger)</translation>
    </message>
    <message>
        <source>Schema: watched only</source>
        <translation>Schema: nur beobachtet</translation>
    </message>
    <message>
        <source>Schema: %1</source>
        <translation>Schema: %1</translation>
    </message>
    <message>
        <source>Schema changes made on the source are carried to the target in stream order by event triggers.</source>
        <translation>Schemaänderungen an der Quelle werden von Ereignistriggern in der Reihenfolge des Stroms zum Ziel übertragen.</translation>
    </message>
    <message>
        <source>Schema changes on the source are detected by comparing the catalogs; each one holds the cutover until it is resolved.</source>
        <translation>Schemaänderungen an der Quelle werden durch Vergleich der Kataloge erkannt; jede hält die Umstellung auf, bis sie gelöst ist.</translation>
    </message>
    <message>
        <source>Cut over…</source>
        <translation>Umstellen…</translation>
    </message>
    <message>
        <source>Cut over %1 now; the other databases keep streaming.</source>
        <translation>%1 jetzt umstellen; die anderen Datenbanken übertragen weiter ihre Änderungen.</translation>
    </message>
    <message>
        <source>Cut over %1</source>
        <translation>%1 umstellen</translation>
    </message>
    <message>
        <source>Stream</source>
        <translation>Datenstrom</translation>
    </message>
    <message>
        <source>Lag</source>
        <translation>Verzögerung</translation>
    </message>
    <message>
        <source>Schema in sync</source>
        <translation>Schema synchron</translation>
    </message>
    <message>
        <source>Sequences readable</source>
        <translation>Sequenzen lesbar</translation>
    </message>
    <message>
        <source>Open sessions</source>
        <translation>Offene Sitzungen</translation>
    </message>
    <message>
        <source>Sampled rows</source>
        <translation>Stichprobe der Zeilen</translation>
    </message>
    <message>
        <source>Ready for cutover</source>
        <translation>Bereit zur Umstellung</translation>
    </message>
    <message>
        <source>Not ready for cutover</source>
        <translation>Nicht bereit zur Umstellung</translation>
    </message>
    <message>
        <source>Applying %1 changes/s</source>
        <translation>Wendet %1 Änderungen/s an</translation>
    </message>
    <message>
        <source>Caught up in %1</source>
        <translation>Aufgeholt in %1</translation>
    </message>
    <message>
        <source>copying</source>
        <translation>wird kopiert</translation>
    </message>
    <message>
        <source>resolved</source>
        <translation>aufgelöst</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::DatabasesPage</name>
    <message>
        <source>Databases</source>
        <translation>Datenbanken</translation>
    </message>
    <message>
        <source>Select the databases to migrate. Each can get another name on the target and a filter of its tables.</source>
        <translation>Wählen Sie die zu migrierenden Datenbanken. Jede kann auf dem Ziel einen anderen Namen und einen Tabellenfilter erhalten.</translation>
    </message>
    <message>
        <source>Source databases</source>
        <translation>Quelldatenbanken</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Tables</source>
        <translation>Tabellen</translation>
    </message>
    <message>
        <source>Assessment</source>
        <translation>Bewertung</translation>
    </message>
    <message>
        <source>Target database</source>
        <translation>Zieldatenbank</translation>
    </message>
    <message>
        <source>Tables to migrate</source>
        <translation>Zu migrierende Tabellen</translation>
    </message>
    <message>
        <source>Select &amp;all</source>
        <translation>A&amp;lle auswählen</translation>
    </message>
    <message>
        <source>Select n&amp;one</source>
        <translation>&amp;Keine auswählen</translation>
    </message>
    <message>
        <source>Filter the tables of the selected database</source>
        <translation>Tabellen der ausgewählten Datenbank filtern</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>Akt&amp;ualisieren</translation>
    </message>
    <message>
        <source>Read the source&apos;s databases again</source>
        <translation>Datenbanken der Quelle neu lesen</translation>
    </message>
    <message>
        <source>Reading the source&apos;s databases…</source>
        <translation>Datenbanken der Quelle werden gelesen…</translation>
    </message>
    <message>
        <source>Owner %1, encoding %2</source>
        <translation>Eigentümer %1, Kodierung %2</translation>
    </message>
    <message>
        <source>Double-click to give the database another name on the target.</source>
        <translation>Doppelklicken, um der Datenbank auf dem Ziel einen anderen Namen zu geben.</translation>
    </message>
    <message>
        <source>Double-click to choose the tables.</source>
        <translation>Doppelklicken, um die Tabellen zu wählen.</translation>
    </message>
    <message>
        <source>not assessed</source>
        <translation>nicht bewertet</translation>
    </message>
    <message>
        <source>All tables</source>
        <translation>Alle Tabellen</translation>
    </message>
    <message numerus="yes">
        <source>All but %n</source>
        <translation>
            <numerusform>Alle außer %n</numerusform>
            <numerusform>Alle außer %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pattern(s)</source>
        <translation>
            <numerusform>%n Muster</numerusform>
            <numerusform>%n Muster</numerusform>
        </translation>
    </message>
    <message>
        <source>Test the source connection to list its databases.</source>
        <translation>Testen Sie die Quellverbindung, um ihre Datenbanken aufzulisten.</translation>
    </message>
    <message numerus="yes">
        <source>%n database(s) selected</source>
        <translation>
            <numerusform>%n Datenbank ausgewählt</numerusform>
            <numerusform>%n Datenbanken ausgewählt</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 in %n table(s)</source>
        <translation>
            <numerusform>%1 in %n Tabelle</numerusform>
            <numerusform>%1 in %n Tabellen</numerusform>
        </translation>
    </message>
    <message>
        <source>The target name of %1 must have 1 to 63 characters.</source>
        <translation>Der Zielname von %1 muss 1 bis 63 Zeichen haben.</translation>
    </message>
    <message>
        <source>Two databases would both go to %1 on the target. Give one of them another target name.</source>
        <translation>Zwei Datenbanken würden beide nach %1 auf dem Ziel gehen. Geben Sie einer davon einen anderen Zielnamen.</translation>
    </message>
    <message>
        <source>Filter &amp;tables…</source>
        <translation>&amp;Tabellen filtern…</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::DonePage</name>
    <message>
        <source>Migration complete</source>
        <translation>Migration abgeschlossen</translation>
    </message>
    <message>
        <source>The report, the target&apos;s connection strings, and what to do next.</source>
        <translation>Der Bericht, die Verbindungszeichenfolgen des Ziels und die nächsten Schritte.</translation>
    </message>
    <message>
        <source>Export report (&amp;JSON)…</source>
        <translation>Bericht exportieren (&amp;JSON)…</translation>
    </message>
    <message>
        <source>Target connection strings</source>
        <translation>Verbindungszeichenfolgen des Ziels</translation>
    </message>
    <message>
        <source>C&amp;opy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Copy the connection strings</source>
        <translation>Verbindungszeichenfolgen kopieren</translation>
    </message>
    <message>
        <source>Connect your applications to the target</source>
        <translation>Verbinden Sie Ihre Anwendungen mit dem Ziel</translation>
    </message>
    <message>
        <source>After the migration</source>
        <translation>Nach der Migration</translation>
    </message>
    <message>
        <source>HTML report (*.html)</source>
        <translation>HTML-Bericht (*.html)</translation>
    </message>
    <message>
        <source>JSON report (*.json)</source>
        <translation>JSON-Bericht (*.json)</translation>
    </message>
    <message>
        <source>Export report</source>
        <translation>Bericht exportieren</translation>
    </message>
    <message>
        <source>The migration completed.</source>
        <translation>Die Migration ist abgeschlossen.</translation>
    </message>
    <message>
        <source>The migration failed.</source>
        <translation>Die Migration ist fehlgeschlagen.</translation>
    </message>
    <message>
        <source>The migration is %1.</source>
        <translation>Die Migration ist %1.</translation>
    </message>
    <message numerus="yes">
        <source>%n database(s)</source>
        <translation>
            <numerusform>%n Datenbank</numerusform>
            <numerusform>%n Datenbanken</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n table(s)</source>
        <translation>
            <numerusform>%n Tabelle</numerusform>
            <numerusform>%n Tabellen</numerusform>
        </translation>
    </message>
    <message>
        <source>took %1</source>
        <translation>Dauer %1</translation>
    </message>
    <message numerus="yes">
        <source>%n table(s) failed</source>
        <translation>
            <numerusform>%n Tabelle fehlgeschlagen</numerusform>
            <numerusform>%n Tabellen fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message>
        <source>Learn more</source>
        <translation>Mehr erfahren</translation>
    </message>
    <message>
        <source>Set passwords for migrated roles</source>
        <translation>Passwörter für migrierte Rollen setzen</translation>
    </message>
    <message>
        <source>roles were created without passwords; set them before applications connect.</source>
        <translation>Rollen wurden ohne Passwort angelegt; setzen Sie sie, bevor sich Anwendungen verbinden.</translation>
    </message>
    <message>
        <source>Check geo-redundant backup</source>
        <translation>Georedundante Sicherung prüfen</translation>
    </message>
    <message>
        <source>make sure backups are kept in a second region if you need them.</source>
        <translation>sicherstellen, dass Sicherungen bei Bedarf in einer zweiten Region liegen.</translation>
    </message>
    <message>
        <source>Set up replicas and backups</source>
        <translation>Replikate und Sicherungen einrichten</translation>
    </message>
    <message>
        <source>give the new server the same protection the source had.</source>
        <translation>dem neuen Server denselben Schutz geben, den die Quelle hatte.</translation>
    </message>
    <message>
        <source>Take a final backup of the source</source>
        <translation>Letzte Sicherung der Quelle erstellen</translation>
    </message>
    <message>
        <source>keep it for retention before the source is retired (pg_dump -Fc).</source>
        <translation>zur Aufbewahrung, bevor die Quelle stillgelegt wird (pg_dump -Fc).</translation>
    </message>
    <message>
        <source>The report could not be written to %1: %2</source>
        <translation>Der Bericht konnte nicht nach %1 geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Report written to %1.</source>
        <translation>Bericht nach %1 geschrieben.</translation>
    </message>
    <message numerus="yes">
        <source>%1 row(s), %2</source>
        <translation>
            <numerusform>%1 Zeile, %2</numerusform>
            <numerusform>%1 Zeilen, %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 change(s) streamed</source>
        <translation>
            <numerusform>%1 Änderung übertragen</numerusform>
            <numerusform>%1 Änderungen übertragen</numerusform>
        </translation>
    </message>
    <message>
        <source>Fallback to the old server</source>
        <translation>Fallback auf den alten Server</translation>
    </message>
    <message>
        <source>I have &amp;stopped the applications&apos; writes on the new server, or accept that they stop</source>
        <translation>Ich habe die Schreibzugriffe der Anwendungen auf den neuen Server &amp;gestoppt oder nehme in Kauf, dass sie enden</translation>
    </message>
    <message>
        <source>Makes the new server&apos;s databases read-only, applies what is left on the old server, sets its sequences, verifies every table and makes the old server writable again.</source>
        <translation>Macht die Datenbanken des neuen Servers schreibgeschützt, wendet die restlichen Änderungen auf dem alten Server an, setzt dessen Sequenzen, überprüft jede Tabelle und macht den alten Server wieder beschreibbar.</translation>
    </message>
    <message>
        <source>&amp;End the fallback</source>
        <translation>Fallback &amp;beenden</translation>
    </message>
    <message>
        <source>Keeps the new server for good: removes the fallback&apos;s slot, publication and origin; the old server stays read-only.</source>
        <translation>Behält den neuen Server endgültig: entfernt Slot, Publikation und Origin des Fallbacks; der alte Server bleibt schreibgeschützt.</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>Abgelehnt: %1</translation>
    </message>
    <message>
        <source>Failing back…</source>
        <translation>Rückwechsel läuft…</translation>
    </message>
    <message>
        <source>Ending the fallback…</source>
        <translation>Fallback wird beendet…</translation>
    </message>
    <message>
        <source>%1: the new server&apos;s writes stream back into the old one; lag %2 (%3), %4 pending</source>
        <translation>%1: Schreibzugriffe auf den neuen Server fließen zurück in den alten; Verzögerung %2 (%3), %4 ausstehend</translation>
    </message>
    <message>
        <source>%1: failing back (the new server is read-only while what is left is applied and verified)</source>
        <translation>%1: Rückwechsel läuft (der neue Server ist schreibgeschützt, während die restlichen Änderungen angewendet und überprüft werden)</translation>
    </message>
    <message>
        <source>%1: failed back. The old server has every write and is writable; the new one is read-only.</source>
        <translation>%1: zurückgewechselt. Der alte Server hat alle Schreibzugriffe erhalten und ist beschreibbar; der neue ist schreibgeschützt.</translation>
    </message>
    <message>
        <source>%1: fallback ended. The new server stays; the old one stays read-only.</source>
        <translation>%1: Fallback beendet. Der neue Server bleibt; der alte bleibt schreibgeschützt.</translation>
    </message>
    <message>
        <source>Cut over. The old server is kept as a live fallback.</source>
        <translation>Umgestellt. Der alte Server bleibt als laufend synchronisierter Fallback erhalten.</translation>
    </message>
    <message>
        <source>Failed back: the old server is the primary again.</source>
        <translation>Zurückgewechselt: der alte Server ist wieder der Primärserver.</translation>
    </message>
    <message>
        <source>Point your applications back at the old server</source>
        <translation>Richten Sie Ihre Anwendungen wieder auf den alten Server aus</translation>
    </message>
    <message>
        <source>Confirm failing back or ending the fallback</source>
        <translation>Zurückwechseln oder Beenden des Fallbacks bestätigen</translation>
    </message>
    <message>
        <source>Export report (HT&amp;ML)…</source>
        <translation>Bericht exportieren (H&amp;TML)…</translation>
    </message>
    <message>
        <source>Fa&amp;il back to the old server</source>
        <translation>&amp;Rückfall auf den alten Server</translation>
    </message>
    <message>
        <source>Back &amp;up the source…</source>
        <translation>&amp;Quelle sichern…</translation>
    </message>
    <message>
        <source>The final backup for retention: pg_dump -Fc of each source database into a folder you choose, with each archive&apos;s size and SHA-256 (as pgferry-cli backup-source does).</source>
        <translation>Die letzte Sicherung zur Aufbewahrung: pg_dump -Fc jeder Quelldatenbank in einen Ordner Ihrer Wahl, mit Größe und SHA-256 jedes Archivs (wie pgferry-cli backup-source).</translation>
    </message>
    <message>
        <source>Folder for the source&apos;s backup archives</source>
        <translation>Ordner für die Sicherungsarchive der Quelle</translation>
    </message>
    <message>
        <source>The project selects no database to back up.</source>
        <translation>Das Projekt wählt keine Datenbank zum Sichern aus.</translation>
    </message>
    <message>
        <source>Backing up %1 with pg_dump -Fc…</source>
        <translation>%1 wird mit pg_dump -Fc gesichert…</translation>
    </message>
    <message>
        <source>Backing up %1: %2 written…</source>
        <translation>%1 wird gesichert: %2 geschrieben…</translation>
    </message>
    <message>
        <source>%1: %2, SHA-256 %3</source>
        <translation>%1: %2, SHA-256 %3</translation>
    </message>
    <message>
        <source>%1 was not backed up: %2</source>
        <translation>%1 wurde nicht gesichert: %2</translation>
    </message>
    <message>
        <source>The source is backed up; keep these archives and their checksums.</source>
        <translation>Die Quelle ist gesichert; bewahren Sie diese Archive und ihre Prüfsummen auf.</translation>
    </message>
    <message>
        <source>The backup did not finish for every database.</source>
        <translation>Die Sicherung wurde nicht für jede Datenbank abgeschlossen.</translation>
    </message>
    <message>
        <source>Protect and watch the server</source>
        <translation>Server schützen und überwachen</translation>
    </message>
    <message>
        <source>create alerts, add a delete lock and a read replica with the actions below.</source>
        <translation>Warnungen, eine Löschsperre und ein Lesereplikat mit den Aktionen unten anlegen.</translation>
    </message>
    <message>
        <source>%1: the archive is complete, but the run&apos;s report does not list it: %2</source>
        <translation>%1: Das Archiv ist vollständig, aber der Bericht des Laufs führt es nicht auf: %2</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::FixScriptDialog</name>
    <message>
        <source>Fix script</source>
        <translation>Korrekturskript</translation>
    </message>
    <message>
        <source>SQL and settings that fix what can be fixed before the migration, grouped by where to apply them. Review every line before running it on a server.</source>
        <translation>SQL und Einstellungen, die vor der Migration beheben, was sich beheben lässt, gruppiert nach dem Ort, an dem sie anzuwenden sind. Prüfen Sie jede Zeile, bevor Sie sie auf einem Server ausführen.</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Copy the fix script to the clipboard</source>
        <translation>Korrekturskript in die Zwischenablage kopieren</translation>
    </message>
    <message>
        <source>&amp;Save…</source>
        <translation>S&amp;peichern…</translation>
    </message>
    <message>
        <source>Save the fix script to a file</source>
        <translation>Korrekturskript in einer Datei speichern</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
    <message>
        <source>The fix script is on the clipboard.</source>
        <translation>Das Korrekturskript ist in der Zwischenablage.</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::LiveChart</name>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::MainWindow</name>
    <message>
        <source>pgferry projects (*.pgferry);;All files (*)</source>
        <translation>pgferry-Projekte (*.pgferry);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>migration</source>
        <translation>migration</translation>
    </message>
    <message>
        <source>Save project</source>
        <translation>Projekt speichern</translation>
    </message>
    <message>
        <source>Open project</source>
        <translation>Projekt öffnen</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;New</source>
        <translation>&amp;Neu</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>Ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Open &amp;Recent</source>
        <translation>&amp;Zuletzt geöffnet</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Save &amp;As…</source>
        <translation>Speichern &amp;unter…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About pgferry</source>
        <translation>&amp;Über pgferry</translation>
    </message>
    <message>
        <source>About pgferry</source>
        <translation>Über pgferry</translation>
    </message>
    <message>
        <source>&lt;b&gt;pgferry %1&lt;/b&gt;&lt;br&gt;Online PostgreSQL migration to Azure Database for PostgreSQL or any newer PostgreSQL.</source>
        <translation>&lt;b&gt;pgferry %1&lt;/b&gt;&lt;br&gt;Online-Migration von PostgreSQL nach Azure Database for PostgreSQL oder in jedes neuere PostgreSQL.</translation>
    </message>
    <message>
        <source>Migration running</source>
        <translation>Migration läuft</translation>
    </message>
    <message>
        <source>Migration finished</source>
        <translation>Migration beendet</translation>
    </message>
    <message>
        <source>Migration stopped</source>
        <translation>Migration angehalten</translation>
    </message>
    <message>
        <source>New project</source>
        <translation>Neues Projekt</translation>
    </message>
    <message>
        <source>%1[*] — pgferry</source>
        <translation>%1[*] — pgferry</translation>
    </message>
    <message>
        <source>pgferry</source>
        <translation>pgferry</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Ungespeicherte Änderungen</translation>
    </message>
    <message>
        <source>The project has unsaved changes. Save them?</source>
        <translation>Das Projekt hat ungespeicherte Änderungen. Speichern?</translation>
    </message>
    <message>
        <source>A migration is running. Stop it on the dashboard before starting a new project.</source>
        <translation>Eine Migration läuft. Halten Sie sie im Dashboard an, bevor Sie ein neues Projekt beginnen.</translation>
    </message>
    <message>
        <source>A migration is running. Stop it on the dashboard before opening another project.</source>
        <translation>Eine Migration läuft. Halten Sie sie im Dashboard an, bevor Sie ein anderes Projekt öffnen.</translation>
    </message>
    <message>
        <source>The project could not be opened. %1</source>
        <translation>Das Projekt konnte nicht geöffnet werden. %1</translation>
    </message>
    <message>
        <source>This project&apos;s migration is under way; showing its dashboard.</source>
        <translation>Die Migration dieses Projekts läuft; ihr Dashboard wird angezeigt.</translation>
    </message>
    <message>
        <source>Opened %1</source>
        <translation>%1 geöffnet</translation>
    </message>
    <message>
        <source>The project could not be saved. %1</source>
        <translation>Das Projekt konnte nicht gespeichert werden. %1</translation>
    </message>
    <message>
        <source>Saved %1</source>
        <translation>%1 gespeichert</translation>
    </message>
    <message>
        <source>No recent projects</source>
        <translation>Keine zuletzt geöffneten Projekte</translation>
    </message>
    <message>
        <source>A migration is running. Stop it and close? The run stops cleanly and resumes when you open the project again.</source>
        <translation>Eine Migration läuft. Anhalten und schließen? Der Lauf hält sauber an und wird fortgesetzt, wenn Sie das Projekt wieder öffnen.</translation>
    </message>
    <message>
        <source>Stopping the migration…</source>
        <translation>Migration wird angehalten…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Colours</source>
        <translation>Fa&amp;rben</translation>
    </message>
    <message>
        <source>Follow the &amp;system</source>
        <translation>System&amp;einstellung folgen</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>He&amp;ll</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>Dun&amp;kel</translation>
    </message>
    <message>
        <source>&amp;Keyboard shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source> or Enter</source>
        <translation> oder Eingabetaste</translation>
    </message>
    <message>
        <source>Next page (when the page is complete)</source>
        <translation>Nächste Seite (wenn die Seite vollständig ist)</translation>
    </message>
    <message>
        <source>Previous page</source>
        <translation>Vorherige Seite</translation>
    </message>
    <message>
        <source>Run the migration (on the Summary page)</source>
        <translation>Migration ausführen (auf der Seite „Zusammenfassung“)</translation>
    </message>
    <message>
        <source>Alt+underlined letter</source>
        <translation>Alt+unterstrichener Buchstabe</translation>
    </message>
    <message>
        <source>Go to that field, or press that button</source>
        <translation>Zu diesem Feld wechseln oder diese Schaltfläche drücken</translation>
    </message>
    <message>
        <source>Tab, Shift+Tab</source>
        <translation>Tab, Umschalt+Tab</translation>
    </message>
    <message>
        <source>Next or previous field</source>
        <translation>Nächstes oder vorheriges Feld</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Leertaste</translation>
    </message>
    <message>
        <source>Press the focused button, tick the focused box</source>
        <translation>Fokussierte Schaltfläche drücken, fokussiertes Kontrollkästchen ankreuzen</translation>
    </message>
    <message>
        <source>Arrow keys</source>
        <translation>Pfeiltasten</translation>
    </message>
    <message>
        <source>Choose among options; move in lists and tables</source>
        <translation>Zwischen Optionen wählen; in Listen und Tabellen bewegen</translation>
    </message>
    <message>
        <source>Open the File, View or Help menu</source>
        <translation>Menü Datei, Ansicht oder Hilfe öffnen</translation>
    </message>
    <message>
        <source>Esc</source>
        <translation>Esc</translation>
    </message>
    <message>
        <source>Close a dialog</source>
        <translation>Dialog schließen</translation>
    </message>
    <message>
        <source>Attached to this project&apos;s run in progress (process %1 on %2); showing its dashboard.</source>
        <translation>Mit dem laufenden Lauf dieses Projekts verbunden (Prozess %1 auf %2); sein Dashboard wird angezeigt.</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::MigrationWizard</name>
    <message>
        <source>pgferry</source>
        <translation>pgferry</translation>
    </message>
    <message>
        <source>&lt; &amp;Back</source>
        <translation>&lt; &amp;Zurück</translation>
    </message>
    <message>
        <source>&amp;Next &gt;</source>
        <translation>&amp;Weiter &gt;</translation>
    </message>
    <message>
        <source>&amp;Run migration</source>
        <translation>&amp;Migration starten</translation>
    </message>
    <message>
        <source>&amp;Close</source>
        <translation>&amp;Schließen</translation>
    </message>
    <message>
        <source>Migration steps</source>
        <translation>Schritte der Migration</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>Projekt</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Databases</source>
        <translation>Datenbanken</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <source>Monitor</source>
        <translation>Überwachung</translation>
    </message>
    <message>
        <source>Cutover</source>
        <translation>Umstellung</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>The run could not resume: %1</source>
        <translation>Der Lauf konnte nicht fortgesetzt werden: %1</translation>
    </message>
    <message>
        <source>No migration is running.</source>
        <translation>Es läuft keine Migration.</translation>
    </message>
    <message>
        <source>Could not follow the run in progress: %1</source>
        <translation>Dem laufenden Lauf kann nicht gefolgt werden: %1</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::MonitorPage</name>
    <message>
        <source>Migration dashboard</source>
        <translation>Migrations-Dashboard</translation>
    </message>
    <message>
        <source>Tables loaded, all databases</source>
        <translation>Geladene Tabellen, alle Datenbanken</translation>
    </message>
    <message>
        <source>%v of %m tables</source>
        <translation>%v von %m Tabellen</translation>
    </message>
    <message>
        <source>&amp;Stop</source>
        <translation>Anha&amp;lten</translation>
    </message>
    <message>
        <source>Stop or resume the run</source>
        <translation>Lauf anhalten oder fortsetzen</translation>
    </message>
    <message>
        <source>Start &amp;cutover</source>
        <translation>Umstellung sta&amp;rten</translation>
    </message>
    <message>
        <source>Start cutover</source>
        <translation>Umstellung starten</translation>
    </message>
    <message>
        <source>Throughput</source>
        <translation>Durchsatz</translation>
    </message>
    <message>
        <source>rows/s</source>
        <translation>Zeilen/s</translation>
    </message>
    <message>
        <source>MB/s</source>
        <translation>MB/s</translation>
    </message>
    <message>
        <source>changes/s</source>
        <translation>Änderungen/s</translation>
    </message>
    <message>
        <source>Throughput chart</source>
        <translation>Durchsatzdiagramm</translation>
    </message>
    <message>
        <source>Replication lag</source>
        <translation>Replikationsverzögerung</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>Sekunden</translation>
    </message>
    <message>
        <source>MB behind</source>
        <translation>MB Rückstand</translation>
    </message>
    <message>
        <source>Replication lag chart</source>
        <translation>Diagramm der Replikationsverzögerung</translation>
    </message>
    <message>
        <source>Tables</source>
        <translation>Tabellen</translation>
    </message>
    <message>
        <source>Filter tables by name</source>
        <translation>Tabellen nach Namen filtern</translation>
    </message>
    <message>
        <source>Filter by table or database…</source>
        <translation>Nach Tabelle oder Datenbank filtern…</translation>
    </message>
    <message>
        <source>Show tables in state</source>
        <translation>Tabellen im Zustand anzeigen</translation>
    </message>
    <message>
        <source>All tables</source>
        <translation>Alle Tabellen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>In Arbeit</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Eingereiht</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>&amp;Retry table</source>
        <translation>Tabelle &amp;erneut laden</translation>
    </message>
    <message>
        <source>Retry the selected failed table</source>
        <translation>Ausgewählte fehlgeschlagene Tabelle erneut laden</translation>
    </message>
    <message>
        <source>Select a failed table to load it again.</source>
        <translation>Wählen Sie eine fehlgeschlagene Tabelle, um sie erneut zu laden.</translation>
    </message>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>&amp;Tables</source>
        <translation>&amp;Tabellen</translation>
    </message>
    <message>
        <source>&amp;Log</source>
        <translation>&amp;Protokoll</translation>
    </message>
    <message>
        <source>Stopping… the run can be resumed later.</source>
        <translation>Wird angehalten… der Lauf kann später fortgesetzt werden.</translation>
    </message>
    <message>
        <source>The run could not resume: %1</source>
        <translation>Der Lauf konnte nicht fortgesetzt werden: %1</translation>
    </message>
    <message>
        <source>The run finished.</source>
        <translation>Der Lauf ist beendet.</translation>
    </message>
    <message>
        <source>The run ended: %1.</source>
        <translation>Der Lauf endete: %1.</translation>
    </message>
    <message>
        <source>No migration is running.</source>
        <translation>Es läuft keine Migration.</translation>
    </message>
    <message>
        <source>An offline migration has no cutover: it completes by itself.</source>
        <translation>Eine Offline-Migration hat keine Umstellung: sie schließt von selbst ab.</translation>
    </message>
    <message>
        <source>The cutover is already under way.</source>
        <translation>Die Umstellung läuft bereits.</translation>
    </message>
    <message>
        <source>The migration is complete.</source>
        <translation>Die Migration ist abgeschlossen.</translation>
    </message>
    <message>
        <source>The run failed; fix the errors and resume it.</source>
        <translation>Der Lauf ist fehlgeschlagen; beheben Sie die Fehler und setzen Sie ihn fort.</translation>
    </message>
    <message>
        <source>The run is stopped; resume it first.</source>
        <translation>Der Lauf ist angehalten; setzen Sie ihn zuerst fort.</translation>
    </message>
    <message>
        <source>The run is still in the %1 stage.</source>
        <translation>Der Lauf ist noch im Abschnitt „%1“.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message numerus="yes">
        <source>%1: full load %2 of %n table(s)</source>
        <translation>
            <numerusform>%1: vollständiges Laden %2 von %n Tabelle</numerusform>
            <numerusform>%1: vollständiges Laden %2 von %n Tabellen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n table(s) failed</source>
        <translation>
            <numerusform>%1: %n Tabelle fehlgeschlagen</numerusform>
            <numerusform>%1: %n Tabellen fehlgeschlagen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2, lag %3</source>
        <translation>%1: %2, Verzögerung %3</translation>
    </message>
    <message>
        <source>Waiting for the engine to report readiness.</source>
        <translation>Warten, bis die Engine Bereitschaft meldet.</translation>
    </message>
    <message>
        <source>Last error: %1</source>
        <translation>Letzter Fehler: %1</translation>
    </message>
    <message>
        <source>Every database is ready: pending changes are low and the full load is complete.</source>
        <translation>Jede Datenbank ist bereit: wenige ausstehende Änderungen, vollständiges Laden abgeschlossen.</translation>
    </message>
    <message>
        <source>Not ready yet:</source>
        <translation>Noch nicht bereit:</translation>
    </message>
    <message numerus="yes">
        <source>%1 row(s) · %2 copied · %3 elapsed</source>
        <translation>
            <numerusform>%1 Zeile · %2 kopiert · %3 vergangen</numerusform>
            <numerusform>%1 Zeilen · %2 kopiert · %3 vergangen</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 in %2 is queued to load again.</source>
        <translation>%1 in %2 ist zum erneuten Laden eingereiht.</translation>
    </message>
    <message>
        <source>the engine gave no reason</source>
        <translation>die Engine hat keinen Grund genannt</translation>
    </message>
    <message>
        <source>%1 in %2 cannot be retried: %3</source>
        <translation>%1 in %2 kann nicht erneut versucht werden: %3</translation>
    </message>
    <message>
        <source>Schema changes seen on the source</source>
        <translation>Auf der Quelle gesehene Schemaänderungen</translation>
    </message>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Object</source>
        <translation>Objekt</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Änderung</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Detail</translation>
    </message>
    <message>
        <source>On the source:</source>
        <translation>Auf der Quelle:</translation>
    </message>
    <message>
        <source>On the target:</source>
        <translation>Auf dem Ziel:</translation>
    </message>
    <message>
        <source>Source position %1</source>
        <translation>Position in der Quelle %1</translation>
    </message>
    <message>
        <source>Res&amp;ync table</source>
        <translation>Tabelle neu s&amp;ynchronisieren</translation>
    </message>
    <message>
        <source>Copy the selected table again from a new snapshot</source>
        <translation>Die ausgewählte Tabelle erneut aus einem neuen Snapshot kopieren</translation>
    </message>
    <message>
        <source>Select a table of a database that streams changes to copy it again from a new snapshot.</source>
        <translation>Wählen Sie eine Tabelle einer Datenbank, die Änderungen überträgt, um sie erneut aus einem neuen Snapshot zu kopieren.</translation>
    </message>
    <message>
        <source>Copy the table of the selected unresolved change again from a new snapshot</source>
        <translation>Die Tabelle der ausgewählten ungelösten Änderung erneut aus einem neuen Snapshot kopieren</translation>
    </message>
    <message>
        <source>Copy %1 of %2 again from a new snapshot, then stream its changes.</source>
        <translation>%1 aus %2 erneut aus einem neuen Snapshot kopieren und danach ihre Änderungen übertragen.</translation>
    </message>
    <message>
        <source>An offline migration does not stream changes: run it again to load what is missing.</source>
        <translation>Eine Offline-Migration überträgt keine laufenden Änderungen: Führen Sie sie erneut aus, um Fehlendes zu laden.</translation>
    </message>
    <message>
        <source>%1 is not part of this run.</source>
        <translation>%1 gehört nicht zu diesem Lauf.</translation>
    </message>
    <message>
        <source>A table is copied again only while its database streams changes; %1 is at: %2.</source>
        <translation>Eine Tabelle wird nur erneut kopiert, während ihre Datenbank Änderungen überträgt; %1 ist bei: %2.</translation>
    </message>
    <message>
        <source>Select an unresolved change of a table to copy the table again from a new snapshot.</source>
        <translation>Wählen Sie eine ungelöste Änderung einer Tabelle, um die Tabelle erneut aus einem neuen Snapshot zu kopieren.</translation>
    </message>
    <message>
        <source>Resync table</source>
        <translation>Tabelle neu synchronisieren</translation>
    </message>
    <message>
        <source>Copy %1 of %2 again from a new snapshot? Other tables of that database wait while it copies.</source>
        <translation>%1 aus %2 erneut aus einem neuen Snapshot kopieren? Die anderen Tabellen dieser Datenbank warten, solange sie kopiert wird.</translation>
    </message>
    <message>
        <source>&amp;Resync</source>
        <translation>&amp;Neu synchronisieren</translation>
    </message>
    <message>
        <source>%1 in %2 is being copied again from a new snapshot; its changes stream once the copy is done.</source>
        <translation>%1 in %2 wird erneut aus einem neuen Snapshot kopiert; ihre Änderungen werden übertragen, sobald die Kopie fertig ist.</translation>
    </message>
    <message>
        <source>%1 in %2 cannot be copied again: %3</source>
        <translation>%1 in %2 kann nicht erneut kopiert werden: %3</translation>
    </message>
    <message>
        <source>The migration is cut over; the old server is kept as a fallback.</source>
        <translation>Die Umstellung ist erfolgt; der alte Server bleibt als Fallback erhalten.</translation>
    </message>
    <message>
        <source>The full load, then the stream of changes. Start the cutover when every database is ready, or cut one over from its card.</source>
        <translation>Erst das vollständige Laden, dann der Strom der Änderungen. Starten Sie die Umstellung, wenn jede Datenbank bereit ist, oder stellen Sie eine einzelne über ihre Karte um.</translation>
    </message>
    <message>
        <source>Cut over %1</source>
        <translation>%1 umstellen</translation>
    </message>
    <message>
        <source>Cut over %1 now? Its source database becomes read-only and its remaining changes are applied, then its sequences, foreign keys and triggers are set and it is verified. The other databases keep streaming.</source>
        <translation>%1 jetzt umstellen? Ihre Quelldatenbank wird schreibgeschützt und ihre restlichen Änderungen werden angewendet; danach werden ihre Sequenzen, Fremdschlüssel und Trigger eingerichtet, und sie wird überprüft. Die anderen Datenbanken übertragen weiter ihre Änderungen.</translation>
    </message>
    <message>
        <source>&amp;Cut over</source>
        <translation>&amp;Umstellen</translation>
    </message>
    <message>
        <source>Cutting over %1; the other databases keep streaming.</source>
        <translation>%1 wird umgestellt; die anderen Datenbanken übertragen weiter ihre Änderungen.</translation>
    </message>
    <message>
        <source>%1 cannot be cut over now: %2</source>
        <translation>%1 kann jetzt nicht umgestellt werden: %2</translation>
    </message>
    <message>
        <source>Databases</source>
        <translation>Datenbanken</translation>
    </message>
    <message>
        <source>Schema chan&amp;ges</source>
        <translation>Schemaänderun&amp;gen</translation>
    </message>
    <message>
        <source>Res&amp;ume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Schema chan&amp;ges (%1 of %2 unresolved)</source>
        <translation>Schemaänderun&amp;gen (%1 von %2 ungelöst)</translation>
    </message>
    <message>
        <source>Schema chan&amp;ges (%1)</source>
        <translation>Schemaänderun&amp;gen (%1)</translation>
    </message>
    <message>
        <source>Attached to a run started elsewhere (process %1 on %2, e.g. pgferry-cli run). This window follows it and sends it Stop, Retry and the cutover; closing the window leaves it running.</source>
        <translation>Mit einem anderswo gestarteten Lauf verbunden (Prozess %1 auf %2, z. B. pgferry-cli run). Dieses Fenster folgt ihm und schickt ihm Anhalten, Erneut laden und die Umstellung; wird das Fenster geschlossen, läuft er weiter.</translation>
    </message>
    <message>
        <source>The run started elsewhere (process %1 on %2) has ended.</source>
        <translation>Der anderswo gestartete Lauf (Prozess %1 auf %2) ist beendet.</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::ProjectPage</name>
    <message>
        <source>Migration project</source>
        <translation>Migrationsprojekt</translation>
    </message>
    <message>
        <source>Start a new project or open one you saved. A project file holds every choice of this wizard, never a password.</source>
        <translation>Beginnen Sie ein neues Projekt oder öffnen Sie ein gespeichertes. Eine Projektdatei enthält jede Wahl dieses Assistenten, nie ein Passwort.</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>Ö&amp;ffnen…</translation>
    </message>
    <message>
        <source>Recent projects</source>
        <translation>Zuletzt geöffnete Projekte</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>Start</translation>
    </message>
    <message>
        <source>&amp;Recent projects (double-click to open):</source>
        <translation>Zu&amp;letzt geöffnete Projekte (Doppelklick öffnet):</translation>
    </message>
    <message>
        <source>Project name</source>
        <translation>Projektname</translation>
    </message>
    <message>
        <source>e.g. Orders to Azure</source>
        <translation>z. B. Bestellungen nach Azure</translation>
    </message>
    <message>
        <source>Online migration</source>
        <translation>Online-Migration</translation>
    </message>
    <message>
        <source>Offline migration</source>
        <translation>Offline-Migration</translation>
    </message>
    <message>
        <source>Run on &amp;this machine</source>
        <translation>Auf diesem &amp;Rechner ausführen</translation>
    </message>
    <message>
        <source>Run the migration on this machine</source>
        <translation>Die Migration auf diesem Rechner ausführen</translation>
    </message>
    <message>
        <source>Run the migration in Azure&apos;s managed migration service</source>
        <translation>Die Migration im verwalteten Migrationsdienst von Azure ausführen</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>Projekt</translation>
    </message>
    <message>
        <source>Na&amp;me:</source>
        <translation>Nam&amp;e:</translation>
    </message>
    <message>
        <source>The source keeps taking writes; its changes stream to the target until you cut over. Minimal downtime.</source>
        <translation>Die Quelle nimmt weiter Schreibzugriffe an; ihre Änderungen fließen bis zur Umstellung zum Ziel. Minimale Ausfallzeit.</translation>
    </message>
    <message>
        <source>Copy once. Applications must not write to the source until the copy is finished.</source>
        <translation>Einmal kopieren. Anwendungen dürfen bis zum Ende der Kopie nicht in die Quelle schreiben.</translation>
    </message>
    <message>
        <source>Mode:</source>
        <translation>Modus:</translation>
    </message>
    <message>
        <source>pgferry copies and streams the data itself; no Azure service or VNet is needed.</source>
        <translation>pgferry kopiert und überträgt die Daten selbst; kein Azure-Dienst und kein VNet nötig.</translation>
    </message>
    <message>
        <source>Azure runs the migration for a flexible-server target; this window follows it.</source>
        <translation>Azure führt die Migration für ein Flexible-Server-Ziel aus; dieses Fenster verfolgt sie.</translation>
    </message>
    <message>
        <source>Engine:</source>
        <translation>Engine:</translation>
    </message>
    <message>
        <source>Give the project a name.</source>
        <translation>Geben Sie dem Projekt einen Namen.</translation>
    </message>
    <message>
        <source>No recent projects</source>
        <translation>Keine zuletzt geöffneten Projekte</translation>
    </message>
    <message>
        <source>Ne&amp;w project</source>
        <translation>&amp;Neues Projekt</translation>
    </message>
    <message>
        <source>On&amp;line</source>
        <translation>&amp;Online</translation>
    </message>
    <message>
        <source>Offl&amp;ine</source>
        <translation>Offl&amp;ine</translation>
    </message>
    <message>
        <source>Azure Database Migration &amp;Service</source>
        <translation>Azure Database Migration Ser&amp;vice</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::SampleAzureSession</name>
    <message>
        <source>Signed in.</source>
        <translation>Angemeldet.</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::Screenshots</name>
    <message>
        <source>The folder %1 cannot be created.</source>
        <translation>Der Ordner %1 kann nicht angelegt werden.</translation>
    </message>
    <message>
        <source>%1 cannot be written.</source>
        <translation>%1 kann nicht geschrieben werden.</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::SettingsPage</name>
    <message>
        <source>Advanced settings</source>
        <translation>Erweiterte Einstellungen</translation>
    </message>
    <message>
        <source>The defaults suit most migrations. Each setting says what it changes.</source>
        <translation>Die Vorgaben passen für die meisten Migrationen. Jede Einstellung sagt, was sie ändert.</translation>
    </message>
    <message>
        <source>Parallel table copies</source>
        <translation>Parallele Tabellenkopien</translation>
    </message>
    <message>
        <source>Split threshold in MB</source>
        <translation>Aufteilungsschwelle in MB</translation>
    </message>
    <message>
        <source> MB</source>
        <translation> MB</translation>
    </message>
    <message>
        <source>Parallel index builds</source>
        <translation>Parallele Indexerstellung</translation>
    </message>
    <message>
        <source>&amp;Overwrite objects in a non-empty target database</source>
        <translation>Objekte in einer nicht leeren Zieldatenbank &amp;überschreiben</translation>
    </message>
    <message>
        <source>Overwrite target objects</source>
        <translation>Zielobjekte überschreiben</translation>
    </message>
    <message>
        <source>Restore o&amp;wners</source>
        <translation>&amp;Eigentümer wiederherstellen</translation>
    </message>
    <message>
        <source>Restore object owners</source>
        <translation>Objekteigentümer wiederherstellen</translation>
    </message>
    <message>
        <source>Restore &amp;privileges</source>
        <translation>&amp;Berechtigungen wiederherstellen</translation>
    </message>
    <message>
        <source>Restore privileges</source>
        <translation>Berechtigungen wiederherstellen</translation>
    </message>
    <message>
        <source>Create missing &amp;roles on the target</source>
        <translation>Fehlende &amp;Rollen auf dem Ziel anlegen</translation>
    </message>
    <message>
        <source>Create roles on the target</source>
        <translation>Rollen auf dem Ziel anlegen</translation>
    </message>
    <message>
        <source>Verify tables after cutover</source>
        <translation>Tabellen nach der Umstellung überprüfen</translation>
    </message>
    <message>
        <source>What verification compares</source>
        <translation>Was die Überprüfung vergleicht</translation>
    </message>
    <message>
        <source>Row counts and a checksum of every row</source>
        <translation>Zeilenzahlen und eine Prüfsumme jeder Zeile</translation>
    </message>
    <message>
        <source>Row counts only (faster)</source>
        <translation>Nur Zeilenzahlen (schneller)</translation>
    </message>
    <message>
        <source>Checksums read every row on both servers; row counts alone take a fraction of the time.</source>
        <translation>Prüfsummen lesen jede Zeile auf beiden Servern; Zeilenzahlen allein brauchen nur einen Bruchteil der Zeit.</translation>
    </message>
    <message>
        <source>Make the source read-only at cutover</source>
        <translation>Quelle bei der Umstellung schreibgeschützt machen</translation>
    </message>
    <message>
        <source>Largest lag that counts as ready, in MB</source>
        <translation>Größte Verzögerung, die als bereit gilt, in MB</translation>
    </message>
    <message>
        <source>Drain timeout in seconds</source>
        <translation>Zeitlimit für das Abarbeiten in Sekunden</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Full load</source>
        <translation>Vollständiges Laden</translation>
    </message>
    <message>
        <source>Parallel &amp;jobs:</source>
        <translation>Parallele &amp;Jobs:</translation>
    </message>
    <message>
        <source>Tables copied at the same time. More is faster until the source&apos;s disks or CPUs are saturated.</source>
        <translation>Gleichzeitig kopierte Tabellen. Mehr ist schneller, bis Platten oder CPUs der Quelle ausgelastet sind.</translation>
    </message>
    <message>
        <source>&amp;Split tables over:</source>
        <translation>Tabellen auf&amp;teilen ab:</translation>
    </message>
    <message>
        <source>Tables larger than this are copied as several ranges in parallel.</source>
        <translation>Größere Tabellen werden in mehreren Bereichen parallel kopiert.</translation>
    </message>
    <message>
        <source>&amp;Index jobs:</source>
        <translation>&amp;Index-Jobs:</translation>
    </message>
    <message>
        <source>Index builds at the same time; each table gets its indexes as soon as it is loaded.</source>
        <translation>Gleichzeitige Indexerstellungen; jede Tabelle bekommt ihre Indizes, sobald sie geladen ist.</translation>
    </message>
    <message>
        <source>Schema</source>
        <translation>Schema</translation>
    </message>
    <message>
        <source>Drops and recreates objects that already exist; otherwise a non-empty target database stops the run.</source>
        <translation>Löscht vorhandene Objekte und legt sie neu an; sonst hält eine nicht leere Zieldatenbank den Lauf an.</translation>
    </message>
    <message>
        <source>Gives each object the same owner as on the source.</source>
        <translation>Gibt jedem Objekt denselben Eigentümer wie auf der Quelle.</translation>
    </message>
    <message>
        <source>Copies GRANTs. Turn off when the target&apos;s roles differ.</source>
        <translation>Kopiert GRANTs. Ausschalten, wenn die Rollen des Ziels abweichen.</translation>
    </message>
    <message>
        <source>Creates roles that own or are granted migrated objects; passwords must be set afterwards.</source>
        <translation>Legt Rollen an, denen migrierte Objekte gehören oder gewährt sind; Passwörter sind danach zu setzen.</translation>
    </message>
    <message>
        <source>Verification and cutover</source>
        <translation>Überprüfung und Umstellung</translation>
    </message>
    <message>
        <source>Compares row counts and checksums of every table; the report lists any difference.</source>
        <translation>Vergleicht Zeilenzahlen und Prüfsummen jeder Tabelle; der Bericht listet jede Abweichung.</translation>
    </message>
    <message>
        <source>Stops writes on the source so no change is left behind (reversible).</source>
        <translation>Beendet Schreibzugriffe auf der Quelle, damit keine Änderung zurückbleibt (umkehrbar).</translation>
    </message>
    <message>
        <source>Ready at &amp;lag below:</source>
        <translation>Bereit bei &amp;Verzögerung unter:</translation>
    </message>
    <message>
        <source>Start cutover is offered once every database&apos;s lag is below this.</source>
        <translation>„Umstellung starten“ wird angeboten, sobald die Verzögerung jeder Datenbank darunter liegt.</translation>
    </message>
    <message>
        <source>&amp;Drain timeout:</source>
        <translation>Zeitlimit Abarbeite&amp;n:</translation>
    </message>
    <message>
        <source>How long cutover waits for pending changes to reach zero before it gives up.</source>
        <translation>Wie lange die Umstellung darauf wartet, dass keine Änderungen mehr ausstehen, bevor sie aufgibt.</translation>
    </message>
    <message>
        <source>&amp;Carry schema changes made on the source while streaming</source>
        <translation>Schemaänderungen an der &amp;Quelle während der Übertragung mitnehmen</translation>
    </message>
    <message>
        <source>Carry schema changes made on the source while streaming</source>
        <translation>Schemaänderungen an der Quelle während der Übertragung mitnehmen</translation>
    </message>
    <message>
        <source>Online: event triggers on the source carry new tables, columns and indexes in stream order (needs a superuser source role). Otherwise changes are only detected, and hold the cutover.</source>
        <translation>Online: Ereignistrigger auf der Quelle übertragen neue Tabellen, Spalten und Indizes in der Reihenfolge des Stroms (erfordert eine Superuser-Rolle auf der Quelle). Sonst werden Änderungen nur erkannt und halten die Umstellung auf.</translation>
    </message>
    <message>
        <source>Keep the old server as a live fallback after cutover</source>
        <translation>Alten Server nach der Umstellung als laufend synchronisierten Fallback behalten</translation>
    </message>
    <message>
        <source>Online: after cutover, writes on the new server stream back into the old one, so that you can fail back without losing a write (needs wal_level = logical on the target).</source>
        <translation>Online: Nach der Umstellung fließen Schreibzugriffe auf den neuen Server zurück in den alten, sodass Sie ohne Verlust eines Schreibzugriffs zurückwechseln können (erfordert wal_level = logical auf dem Ziel).</translation>
    </message>
    <message>
        <source>Verify every &amp;table after cutover</source>
        <translation>Jede Tabelle nach der Umstellung über&amp;prüfen</translation>
    </message>
    <message>
        <source>Make the source read-only &amp;at cutover</source>
        <translation>Quelle bei der &amp;Umstellung schreibgeschützt machen</translation>
    </message>
    <message>
        <source>&amp;Keep the old server as a live fallback after cutover</source>
        <translation>Alten Server nach der Umstellung als Live-Fallbac&amp;k behalten</translation>
    </message>
    <message>
        <source>Co&amp;mpare:</source>
        <translation>Ver&amp;gleich:</translation>
    </message>
    <message>
        <source>R&amp;estore defaults</source>
        <translation>Standardwerte wiederherste&amp;llen</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::ShortcutsDialog</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>Tasten</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>Schließen</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::SourcePage</name>
    <message numerus="yes">
        <source>Connected: PostgreSQL %1, %n database(s), wal_level %2.</source>
        <translation>
            <numerusform>Verbunden: PostgreSQL %1, %n Datenbank, wal_level %2.</numerusform>
            <numerusform>Verbunden: PostgreSQL %1, %n Datenbanken, wal_level %2.</numerusform>
        </translation>
    </message>
    <message>
        <source>Source server</source>
        <translation>Quellserver</translation>
    </message>
    <message>
        <source>Connect to the PostgreSQL server to migrate from. pgferry checks it against every prerequisite of an online migration.</source>
        <translation>Verbinden Sie sich mit dem PostgreSQL-Server, von dem migriert wird. pgferry prüft ihn gegen jede Voraussetzung einer Online-Migration.</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Assessment</source>
        <translation>Bewertung</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbindung zu %1 wird aufgebaut…</translation>
    </message>
    <message>
        <source>Connected, but the password could not be saved in the keychain: %1</source>
        <translation>Verbunden, aber das Passwort konnte nicht im Schlüsselbund gespeichert werden: %1</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::SummaryPage</name>
    <message>
        <source>Summary</source>
        <translation>Zusammenfassung</translation>
    </message>
    <message>
        <source>Check your choices. Run starts the migration; you can close this window while it runs and reopen the project later.</source>
        <translation>Prüfen Sie Ihre Auswahl. „Migration starten“ beginnt die Migration; Sie können das Fenster währenddessen schließen und das Projekt später wieder öffnen.</translation>
    </message>
    <message>
        <source>Activity name</source>
        <translation>Name der Aktivität</translation>
    </message>
    <message>
        <source>a name for this run</source>
        <translation>ein Name für diesen Lauf</translation>
    </message>
    <message>
        <source>Summary of the migration</source>
        <translation>Zusammenfassung der Migration</translation>
    </message>
    <message>
        <source>&amp;Activity name:</source>
        <translation>&amp;Name der Aktivität:</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>ja</translation>
    </message>
    <message>
        <source>no</source>
        <translation>nein</translation>
    </message>
    <message>
        <source>Project</source>
        <translation>Projekt</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Modus</translation>
    </message>
    <message>
        <source>Online: changes stream until you cut over</source>
        <translation>Online: Änderungen fließen bis zur Umstellung</translation>
    </message>
    <message>
        <source>Offline: one copy</source>
        <translation>Offline: eine Kopie</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>Engine</translation>
    </message>
    <message>
        <source>This machine</source>
        <translation>Dieser Rechner</translation>
    </message>
    <message>
        <source>Azure Database Migration Service</source>
        <translation>Azure Database Migration Service</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Azure flexible server %1 in %2</source>
        <translation>Azure Flexible Server %1 in %2</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message numerus="yes">
        <source>filtered: %n pattern(s)</source>
        <translation>
            <numerusform>gefiltert: %n Muster</numerusform>
            <numerusform>gefiltert: %n Muster</numerusform>
        </translation>
    </message>
    <message>
        <source>Databases (%1)</source>
        <translation>Datenbanken (%1)</translation>
    </message>
    <message>
        <source>Full load</source>
        <translation>Vollständiges Laden</translation>
    </message>
    <message>
        <source>Schema</source>
        <translation>Schema</translation>
    </message>
    <message>
        <source>overwrite: %1, owners: %2, privileges: %3, create roles: %4</source>
        <translation>überschreiben: %1, Eigentümer: %2, Berechtigungen: %3, Rollen anlegen: %4</translation>
    </message>
    <message>
        <source>Cutover</source>
        <translation>Umstellung</translation>
    </message>
    <message>
        <source>verify: %1, source read-only: %2, ready below %3 lag, drain timeout %4</source>
        <translation>überprüfen: %1, Quelle schreibgeschützt: %2, bereit unter %3 Verzögerung, Zeitlimit Abarbeiten %4</translation>
    </message>
    <message>
        <source>Assessment</source>
        <translation>Bewertung</translation>
    </message>
    <message>
        <source>not run yet: the engine assesses before it starts</source>
        <translation>noch nicht gelaufen: die Engine bewertet vor dem Start</translation>
    </message>
    <message numerus="yes">
        <source>The assessment found %n blocker(s). Fix them (see the Source page), test again, then run.</source>
        <translation>
            <numerusform>Die Bewertung fand %n Blocker. Beheben Sie ihn (siehe Seite „Quelle“), testen Sie erneut und starten Sie dann.</numerusform>
            <numerusform>Die Bewertung fand %n Blocker. Beheben Sie sie (siehe Seite „Quelle“), testen Sie erneut und starten Sie dann.</numerusform>
        </translation>
    </message>
    <message>
        <source>The migration could not start: %1</source>
        <translation>Die Migration konnte nicht starten: %1</translation>
    </message>
    <message>
        <source>assessing…</source>
        <translation>wird bewertet…</translation>
    </message>
    <message numerus="yes">
        <source>%n parallel job(s)</source>
        <translation>
            <numerusform>%n paralleler Job</numerusform>
            <numerusform>%n parallele Jobs</numerusform>
        </translation>
    </message>
    <message>
        <source>tables over %1 split</source>
        <translation>Tabellen über %1 geteilt</translation>
    </message>
    <message numerus="yes">
        <source>%n index job(s)</source>
        <translation>
            <numerusform>%n Index-Job</numerusform>
            <numerusform>%n Index-Jobs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n blocker(s)</source>
        <translation>
            <numerusform>%n Blocker</numerusform>
            <numerusform>%n Blocker</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n Warnung</numerusform>
            <numerusform>%n Warnungen</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n check(s) passed</source>
        <translation>
            <numerusform>%n Prüfung bestanden</numerusform>
            <numerusform>%n Prüfungen bestanden</numerusform>
        </translation>
    </message>
    <message>
        <source>Schema changes</source>
        <translation>Schemaänderungen</translation>
    </message>
    <message>
        <source>carried while streaming, by event triggers on the source (needs a superuser source role)</source>
        <translation>während der Übertragung mitgenommen, von Ereignistriggern auf der Quelle (erfordert eine Superuser-Rolle auf der Quelle)</translation>
    </message>
    <message>
        <source>watched while streaming: each one holds the cutover until it is resolved</source>
        <translation>während der Übertragung beobachtet: jede hält die Umstellung auf, bis sie gelöst ist</translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::TableFilterDialog</name>
    <message>
        <source>Tables of %1</source>
        <translation>Tabellen von %1</translation>
    </message>
    <message>
        <source>Search tables</source>
        <translation>Tabellen suchen</translation>
    </message>
    <message>
        <source>Search…</source>
        <translation>Suchen…</translation>
    </message>
    <message>
        <source>Tables to migrate</source>
        <translation>Zu migrierende Tabellen</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Tabelle</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Rows (estimate)</source>
        <translation>Zeilen (Schätzung)</translation>
    </message>
    <message>
        <source>Exclude patterns</source>
        <translation>Ausschlussmuster</translation>
    </message>
    <message>
        <source>e.g. audit.* public.tmp_*</source>
        <translation>z. B. audit.* public.tmp_*</translation>
    </message>
    <message>
        <source>Reading the tables…</source>
        <translation>Tabellen werden gelesen…</translation>
    </message>
    <message>
        <source>Select &amp;all</source>
        <translation>A&amp;lle auswählen</translation>
    </message>
    <message>
        <source>Select n&amp;one</source>
        <translation>&amp;Keine auswählen</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>&amp;Exclude patterns:</source>
        <translation>A&amp;usschlussmuster:</translation>
    </message>
    <message>
        <source>The tables could not be read: %1</source>
        <translation>Die Tabellen konnten nicht gelesen werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n table(s) will be migrated.</source>
        <translation>
            <numerusform>%1 von %n Tabelle wird migriert.</numerusform>
            <numerusform>%1 von %n Tabellen werden migriert.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::TableStatusModel</name>
    <message>
        <source>Database</source>
        <translation>Datenbank</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>Tabelle</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Zustand</translation>
    </message>
    <message>
        <source>Rows</source>
        <translation>Zeilen</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Rate</source>
        <translation>Rate</translation>
    </message>
    <message>
        <source>Duration</source>
        <translation>Dauer</translation>
    </message>
    <message>
        <source>Inserts</source>
        <translation>Inserts</translation>
    </message>
    <message>
        <source>Updates</source>
        <translation>Updates</translation>
    </message>
    <message>
        <source>Deletes</source>
        <translation>Deletes</translation>
    </message>
    <message numerus="yes">
        <source>%1 of about %2 row(s)</source>
        <translation>
            <numerusform>%1 von etwa %2 Zeile</numerusform>
            <numerusform>%1 von etwa %2 Zeilen</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::TargetPage</name>
    <message>
        <source>Connected: PostgreSQL %1.</source>
        <translation>Verbunden: PostgreSQL %1.</translation>
    </message>
    <message>
        <source>Target server</source>
        <translation>Zielserver</translation>
    </message>
    <message>
        <source>Choose where the databases go: Azure Database for PostgreSQL flexible server, or any PostgreSQL of the same or a newer major version.</source>
        <translation>Wählen Sie, wohin die Datenbanken gehen: Azure Database for PostgreSQL Flexible Server oder jedes PostgreSQL derselben oder einer neueren Hauptversion.</translation>
    </message>
    <message>
        <source>Target is a PostgreSQL server</source>
        <translation>Ziel ist ein PostgreSQL-Server</translation>
    </message>
    <message>
        <source>Target is an Azure flexible server</source>
        <translation>Ziel ist ein Azure Flexible Server</translation>
    </message>
    <message>
        <source>Azure</source>
        <translation>Azure</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>target</source>
        <translation>Ziel</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Verbindung</translation>
    </message>
    <message>
        <source>Assessing source and target…</source>
        <translation>Quelle und Ziel werden bewertet…</translation>
    </message>
    <message numerus="yes">
        <source>The assessment found %n blocker(s); see the Source page for what to do.</source>
        <translation>
            <numerusform>Die Bewertung fand %n Blocker; was zu tun ist, steht auf der Seite „Quelle“.</numerusform>
            <numerusform>Die Bewertung fand %n Blocker; was zu tun ist, steht auf der Seite „Quelle“.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The assessment passed (%n warning(s)).</source>
        <translation>
            <numerusform>Die Bewertung ist bestanden (%n Warnung).</numerusform>
            <numerusform>Die Bewertung ist bestanden (%n Warnungen).</numerusform>
        </translation>
    </message>
    <message>
        <source>Azure&apos;s migration service only migrates to a flexible server. Choose a flexible server, or run on this machine (Project page).</source>
        <translation>Der Migrationsdienst von Azure migriert nur zu einem Flexible Server. Wählen Sie einen Flexible Server oder führen Sie die Migration auf diesem Rechner aus (Seite „Projekt“).</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbindung zu %1 wird aufgebaut…</translation>
    </message>
    <message>
        <source>Older than the source (%1): the migration needs the same or a newer major version.</source>
        <translation>Älter als die Quelle (%1): die Migration braucht dieselbe oder eine neuere Hauptversion.</translation>
    </message>
    <message>
        <source>Connected, but the password could not be saved in the keychain: %1</source>
        <translation>Verbunden, aber das Passwort konnte nicht im Schlüsselbund gespeichert werden: %1</translation>
    </message>
    <message>
        <source>PostgreS&amp;QL server</source>
        <translation>PostgreS&amp;QL-Server</translation>
    </message>
    <message>
        <source>Azure Database for PostgreSQL fle&amp;xible server</source>
        <translation>Azure Database for PostgreSQL – Fle&amp;xibler Server</translation>
    </message>
</context>
</TS>
