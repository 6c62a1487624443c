#include "settingspage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QGroupBox>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QVBoxLayout>

namespace pgferry::wizard {

namespace {
template<typename W> W *named(W *w, const char *name, const QString &accessible)
{
    w->setObjectName(QString::fromLatin1(name));
    w->setAccessibleName(accessible);
    return w;
}

QSpinBox *spin(const char *name, const QString &accessible, int min, int max, const QString &suffix = {})
{
    auto *s = named(new QSpinBox, name, accessible);
    s->setRange(min, max);
    s->setSuffix(suffix);
    s->setMinimumWidth(110);
    return s;
}
} // namespace

SettingsPage::SettingsPage(MigrationWizard *wizard) : WizardPage(wizard)
{
    setTitle(tr("Advanced settings"));
    setSubTitle(tr("The defaults suit most migrations. Each setting says what it changes."));

    m_jobs = spin("settingJobs", tr("Parallel table copies"), 1, 64);
    m_splitMb = spin("settingSplitThreshold", tr("Split threshold in MB"), 16, 1024 * 1024, tr(" MB"));
    m_splitMb->setSingleStep(64);
    m_indexJobs = spin("settingIndexJobs", tr("Parallel index builds"), 1, 32);
    m_overwrite = named(new QCheckBox(tr("&Overwrite objects in a non-empty target database")),
                        "settingOverwrite", tr("Overwrite target objects"));
    m_owners = named(new QCheckBox(tr("Restore o&wners")), "settingOwners", tr("Restore object owners"));
    m_privileges =
        named(new QCheckBox(tr("Restore &privileges")), "settingPrivileges", tr("Restore privileges"));
    m_roles = named(new QCheckBox(tr("Create missing &roles on the target")), "settingCreateRoles",
                    tr("Create roles on the target"));
    m_captureDdl = named(new QCheckBox(tr("&Carry schema changes made on the source while streaming")),
                         "settingCaptureDdl", tr("Carry schema changes made on the source while streaming"));
    m_verify = named(new QCheckBox(tr("Verify every &table after cutover")), "settingVerify",
                     tr("Verify tables after cutover"));
    m_verifyLevel = named(new QComboBox, "settingVerifyLevel", tr("What verification compares"));
    m_verifyLevel->addItem(tr("Row counts and a checksum of every row"), int(project::VerifyLevel::Full));
    m_verifyLevel->addItem(tr("Row counts only (faster)"), int(project::VerifyLevel::Count));
    m_readOnly = named(new QCheckBox(tr("Make the source read-only &at cutover")), "settingReadOnly",
                       tr("Make the source read-only at cutover"));
    m_fallback = named(new QCheckBox(tr("&Keep the old server as a live fallback after cutover")),
                       "settingFallback", tr("Keep the old server as a live fallback after cutover"));
    m_readyLagMb =
        spin("settingReadyLag", tr("Largest lag that counts as ready, in MB"), 0, 1024 * 1024, tr(" MB"));
    m_drainTimeout = spin("settingDrainTimeout", tr("Drain timeout in seconds"), 10, 86400, tr(" s"));

    auto *content = new QWidget;
    auto *v = new QVBoxLayout(content);

    auto addRow = [](QGridLayout *g, const QString &label, QWidget *input, const QString &hint) {
        const int row = g->rowCount();
        if (!label.isEmpty()) {
            auto *l = new QLabel(label);
            l->setBuddy(input);
            g->addWidget(l, row, 0);
            g->addWidget(input, row, 1);
        } else {
            g->addWidget(input, row, 0, 1, 2);
        }
        g->addWidget(makeHint(hint), row, 2);
    };
    auto group = [&](const QString &title) {
        auto *box = new QGroupBox(title);
        auto *g = new QGridLayout(box);
        g->setColumnStretch(2, 1);
        g->setHorizontalSpacing(14);
        v->addWidget(box);
        return g;
    };

    QGridLayout *load = group(tr("Full load"));
    addRow(
        load, tr("Parallel &jobs:"), m_jobs,
        tr("Tables copied at the same time. More is faster until the source's disks or CPUs are saturated."));
    addRow(load, tr("&Split tables over:"), m_splitMb,
           tr("Tables larger than this are copied as several ranges in parallel."));
    addRow(load, tr("&Index jobs:"), m_indexJobs,
           tr("Index builds at the same time; each table gets its indexes as soon as it is loaded."));
    QGridLayout *schema = group(tr("Schema"));
    addRow(schema, {}, m_overwrite,
           tr("Drops and recreates objects that already exist; otherwise a non-empty target database stops "
              "the run."));
    addRow(schema, {}, m_owners, tr("Gives each object the same owner as on the source."));
    addRow(schema, {}, m_privileges, tr("Copies GRANTs. Turn off when the target's roles differ."));
    addRow(schema, {}, m_roles,
           tr("Creates roles that own or are granted migrated objects; passwords must be set afterwards."));
    addRow(schema, {}, m_captureDdl,
           tr("Online: event triggers on the source carry new tables, columns and indexes in stream order "
              "(needs a superuser "
              "source role). Otherwise changes are only detected, and hold the cutover."));
    QGridLayout *cut = group(tr("Verification and cutover"));
    addRow(cut, {}, m_verify,
           tr("Compares row counts and checksums of every table; the report lists any difference."));
    addRow(cut, tr("Co&mpare:"), m_verifyLevel,
           tr("Checksums read every row on both servers; row counts alone take a fraction of the time."));
    connect(m_verify, &QCheckBox::toggled, m_verifyLevel, &QWidget::setEnabled);
    addRow(cut, {}, m_readOnly, tr("Stops writes on the source so no change is left behind (reversible)."));
    addRow(cut, {}, m_fallback,
           tr("Online: after cutover, writes on the new server stream back into the old one, so that you can "
              "fail back "
              "without losing a write (needs wal_level = logical on the target)."));
    addRow(cut, tr("Ready at &lag below:"), m_readyLagMb,
           tr("Start cutover is offered once every database's lag is below this."));
    addRow(cut, tr("&Drain timeout:"), m_drainTimeout,
           tr("How long cutover waits for pending changes to reach zero before it gives up."));

    auto *defaults = new QPushButton(tr("R&estore defaults"));
    defaults->setObjectName(QStringLiteral("settingsDefaults"));
    auto *row = new QHBoxLayout;
    row->addStretch();
    row->addWidget(defaults);
    v->addLayout(row);
    v->addStretch();

    auto *scroll = new QScrollArea;
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setFocusPolicy(Qt::NoFocus); // Tab goes to the settings; the area scrolls to the one with focus
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    for (QWidget *w : std::initializer_list<QWidget *>{
             m_jobs, m_splitMb, m_indexJobs, m_overwrite, m_owners, m_privileges, m_roles, m_captureDdl,
             m_verify, m_verifyLevel, m_readOnly, m_fallback, m_readyLagMb, m_drainTimeout})
        watch(w);
    connect(defaults, &QPushButton::clicked, this, [this] {
        project::Project p;
        p.settings = project::AdvancedSettings{};
        loadFrom(p);
    });
}

void SettingsPage::loadFrom(const project::Project &p)
{
    const project::AdvancedSettings &s = p.settings;
    m_jobs->setValue(s.jobs);
    m_splitMb->setValue(int(s.splitThresholdBytes / (1024 * 1024)));
    m_indexJobs->setValue(s.indexJobs);
    m_overwrite->setChecked(s.schema.overwrite);
    m_owners->setChecked(!s.schema.noOwner);
    m_privileges->setChecked(!s.schema.noAcl);
    m_roles->setChecked(s.schema.createRoles);
    m_captureDdl->setChecked(s.schema.captureDdl);
    m_verify->setChecked(s.verify);
    m_verifyLevel->setCurrentIndex(std::max(0, m_verifyLevel->findData(int(s.verifyLevel))));
    m_verifyLevel->setEnabled(s.verify);
    m_readOnly->setChecked(s.cutover.makeSourceReadOnly);
    m_fallback->setChecked(s.cutover.fallback);
    m_readyLagMb->setValue(int(s.cutover.maxLagBytesForReady / (1024 * 1024)));
    m_drainTimeout->setValue(s.cutover.drainTimeoutSeconds);
}

void SettingsPage::storeTo(project::Project &p) const
{
    project::AdvancedSettings &s = p.settings;
    s.jobs = m_jobs->value();
    s.splitThresholdBytes = qint64(m_splitMb->value()) * 1024 * 1024;
    s.indexJobs = m_indexJobs->value();
    s.schema.overwrite = m_overwrite->isChecked();
    s.schema.noOwner = !m_owners->isChecked();
    s.schema.noAcl = !m_privileges->isChecked();
    s.schema.createRoles = m_roles->isChecked();
    s.schema.captureDdl = m_captureDdl->isChecked();
    s.verify = m_verify->isChecked();
    s.verifyLevel = project::VerifyLevel(m_verifyLevel->currentData().toInt());
    s.cutover.makeSourceReadOnly = m_readOnly->isChecked();
    s.cutover.fallback = m_fallback->isChecked();
    s.cutover.maxLagBytesForReady = qint64(m_readyLagMb->value()) * 1024 * 1024;
    s.cutover.drainTimeoutSeconds = m_drainTimeout->value();
}

} // namespace pgferry::wizard
