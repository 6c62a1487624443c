<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>SampleServices</name>
    <message numerus="yes">
        <source>full load %1 of %n table(s)</source>
        <translation>
            <numerusform>full load %1 of %n table</numerusform>
            <numerusform>full load %1 of %n tables</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>catching up, %1 change(s) pending</source>
        <translation>
            <numerusform>catching up, %1 change pending</numerusform>
            <numerusform>catching up, %1 changes pending</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::AssessmentView</name>
    <message numerus="yes">
        <source>%n blocker(s) must be fixed before the migration can run.</source>
        <translation>
            <numerusform>%n blocker must be fixed before the migration can run.</numerusform>
            <numerusform>%n blockers must be fixed before the migration can run.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s).</source>
        <translation>
            <numerusform>%n warning.</numerusform>
            <numerusform>%n warnings.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Ready to migrate, with %n warning(s) to review.</source>
        <translation>
            <numerusform>Ready to migrate, with %n warning to review.</numerusform>
            <numerusform>Ready to migrate, with %n warnings to review.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Ready to migrate: all %n check(s) passed.</source>
        <translation>
            <numerusform>Ready to migrate: the %n check passed.</numerusform>
            <numerusform>Ready to migrate: all %n checks passed.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::AzurePanel</name>
    <message numerus="yes">
        <source>%n flexible server(s) in %1. Pick the one to migrate to.</source>
        <translation>
            <numerusform>%n flexible server in %1. Pick the one to migrate to.</numerusform>
            <numerusform>%n flexible servers in %1. Pick the one to migrate to.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::CutoverPage</name>
    <message numerus="yes">
        <source>%1 pending change(s) left</source>
        <translation>
            <numerusform>%1 pending change left</numerusform>
            <numerusform>%1 pending changes left</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::DatabaseCard</name>
    <message numerus="yes">
        <source>Full load: %1 of %n table(s) loaded</source>
        <translation>
            <numerusform>Full load: %1 of %n table loaded</numerusform>
            <numerusform>Full load: %1 of %n tables loaded</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Failed: %1 of %n table(s) loaded</source>
        <translation>
            <numerusform>Failed: %1 of %n table loaded</numerusform>
            <numerusform>Failed: %1 of %n tables loaded</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Full load completed %1 of %n table(s)</source>
        <translation>
            <numerusform>Full load completed %1 of %n table</numerusform>
            <numerusform>Full load completed %1 of %n tables</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n failed</numerusform>
            <numerusform>%n failed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unresolved schema change(s)</source>
        <translation>
            <numerusform>%n unresolved schema change</numerusform>
            <numerusform>%n unresolved schema changes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n schema change(s)</source>
        <translation>
            <numerusform>%n schema change</numerusform>
            <numerusform>%n schema changes</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n schema change(s) seen on the source</source>
        <translation>
            <numerusform>%n schema change seen on the source</numerusform>
            <numerusform>%n schema changes seen on the source</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n unresolved change(s) hold the cutover.</source>
        <translation>
            <numerusform>%n unresolved change holds the cutover.</numerusform>
            <numerusform>%n unresolved changes hold the cutover.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more.</source>
        <translation>
            <numerusform>… and %n more.</numerusform>
            <numerusform>… and %n more.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::DatabasesPage</name>
    <message numerus="yes">
        <source>All but %n</source>
        <translation>
            <numerusform>All but %n table</numerusform>
            <numerusform>All but %n tables</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n pattern(s)</source>
        <translation>
            <numerusform>%n pattern</numerusform>
            <numerusform>%n patterns</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n database(s) selected</source>
        <translation>
            <numerusform>%n database selected</numerusform>
            <numerusform>%n databases selected</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 in %n table(s)</source>
        <translation>
            <numerusform>%1 in %n table</numerusform>
            <numerusform>%1 in %n tables</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::DonePage</name>
    <message numerus="yes">
        <source>%n database(s)</source>
        <translation>
            <numerusform>%n database</numerusform>
            <numerusform>%n databases</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n table(s)</source>
        <translation>
            <numerusform>%n table</numerusform>
            <numerusform>%n tables</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n table(s) failed</source>
        <translation>
            <numerusform>%n table failed</numerusform>
            <numerusform>%n tables failed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 row(s), %2</source>
        <translation>
            <numerusform>%1 row, %2</numerusform>
            <numerusform>%1 rows, %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 change(s) streamed</source>
        <translation>
            <numerusform>%1 change streamed</numerusform>
            <numerusform>%1 changes streamed</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::MonitorPage</name>
    <message numerus="yes">
        <source>%1: full load %2 of %n table(s)</source>
        <translation>
            <numerusform>%1: full load %2 of %n table</numerusform>
            <numerusform>%1: full load %2 of %n tables</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n table(s) failed</source>
        <translation>
            <numerusform>%1: %n table failed</numerusform>
            <numerusform>%1: %n tables failed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 row(s) · %2 copied · %3 elapsed</source>
        <translation>
            <numerusform>%1 row · %2 copied · %3 elapsed</numerusform>
            <numerusform>%1 rows · %2 copied · %3 elapsed</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::SourcePage</name>
    <message numerus="yes">
        <source>Connected: PostgreSQL %1, %n database(s), wal_level %2.</source>
        <translation>
            <numerusform>Connected: PostgreSQL %1, %n database, wal_level %2.</numerusform>
            <numerusform>Connected: PostgreSQL %1, %n databases, wal_level %2.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::SummaryPage</name>
    <message numerus="yes">
        <source>filtered: %n pattern(s)</source>
        <translation>
            <numerusform>filtered: %n pattern</numerusform>
            <numerusform>filtered: %n patterns</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The assessment found %n blocker(s). Fix them (see the Source page), test again, then run.</source>
        <translation>
            <numerusform>The assessment found %n blocker. Fix it (see the Source page), test again, then run.</numerusform>
            <numerusform>The assessment found %n blockers. Fix them (see the Source page), test again, then run.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n parallel job(s)</source>
        <translation>
            <numerusform>%n parallel job</numerusform>
            <numerusform>%n parallel jobs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n index job(s)</source>
        <translation>
            <numerusform>%n index job</numerusform>
            <numerusform>%n index jobs</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n blocker(s)</source>
        <translation>
            <numerusform>%n blocker</numerusform>
            <numerusform>%n blockers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n warning(s)</source>
        <translation>
            <numerusform>%n warning</numerusform>
            <numerusform>%n warnings</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n check(s) passed</source>
        <translation>
            <numerusform>%n check passed</numerusform>
            <numerusform>%n checks passed</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::TableFilterDialog</name>
    <message numerus="yes">
        <source>%1 of %n table(s) will be migrated.</source>
        <translation>
            <numerusform>%1 of %n table will be migrated.</numerusform>
            <numerusform>%1 of %n tables will be migrated.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::TableStatusModel</name>
    <message numerus="yes">
        <source>%1 of about %2 row(s)</source>
        <translation>
            <numerusform>%1 of about %2 row</numerusform>
            <numerusform>%1 of about %2 rows</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>pgferry::wizard::TargetPage</name>
    <message numerus="yes">
        <source>The assessment found %n blocker(s); see the Source page for what to do.</source>
        <translation>
            <numerusform>The assessment found %n blocker; see the Source page for what to do.</numerusform>
            <numerusform>The assessment found %n blockers; see the Source page for what to do.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The assessment passed (%n warning(s)).</source>
        <translation>
            <numerusform>The assessment passed (%n warning).</numerusform>
            <numerusform>The assessment passed (%n warnings).</numerusform>
        </translation>
    </message>
</context>
</TS>
