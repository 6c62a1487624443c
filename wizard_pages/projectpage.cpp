#include "projectpage.h"

#include "migrationwizard.h"

#include <QButtonGroup>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QRadioButton>
#include <QStyle>
#include <QVBoxLayout>

namespace pgferry::wizard {

ProjectPage::ProjectPage(MigrationWizard *wizard) : WizardPage(wizard)
{
    setTitle(tr("Migration project"));
    setSubTitle(tr("Start a new project or open one you saved. A project file holds every choice of this "
                   "wizard, never a password."));

    m_new = new QPushButton(style()->standardIcon(QStyle::SP_FileIcon), tr("Ne&w project"));
    m_new->setObjectName(QStringLiteral("newProject"));
    m_open = new QPushButton(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("&Open…"));
    m_open->setObjectName(QStringLiteral("openProject"));
    m_recent = new QListWidget;
    m_recent->setObjectName(QStringLiteral("recentProjects"));
    m_recent->setAccessibleName(tr("Recent projects"));
    m_recent->setMaximumHeight(110);

    auto *startBox = new QGroupBox(tr("Start"));
    auto *sb = new QVBoxLayout(startBox);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_new);
    buttons->addWidget(m_open);
    buttons->addStretch();
    sb->addLayout(buttons);
    auto *recentLabel = new QLabel(tr("&Recent projects (double-click to open):"));
    recentLabel->setBuddy(m_recent);
    sb->addWidget(recentLabel);
    sb->addWidget(m_recent);

    m_name = new QLineEdit;
    m_name->setObjectName(QStringLiteral("projectName"));
    m_name->setAccessibleName(tr("Project name"));
    m_name->setPlaceholderText(tr("e.g. Orders to Azure"));
    m_nameError = makeErrorLabel(QStringLiteral("projectNameError"));

    m_online = new QRadioButton(tr("On&line"));
    m_online->setObjectName(QStringLiteral("modeOnline"));
    m_online->setAccessibleName(tr("Online migration"));
    m_offline = new QRadioButton(tr("Offl&ine"));
    m_offline->setObjectName(QStringLiteral("modeOffline"));
    m_offline->setAccessibleName(tr("Offline migration"));
    auto *modeGroup = new QButtonGroup(this);
    modeGroup->addButton(m_online);
    modeGroup->addButton(m_offline);
    m_local = new QRadioButton(tr("Run on &this machine"));
    m_local->setObjectName(QStringLiteral("engineLocal"));
    m_local->setAccessibleName(tr("Run the migration on this machine"));
    m_azure = new QRadioButton(tr("Azure Database Migration &Service"));
    m_azure->setObjectName(QStringLiteral("engineAzure"));
    m_azure->setAccessibleName(tr("Run the migration in Azure's managed migration service"));
    auto *engineGroup = new QButtonGroup(this);
    engineGroup->addButton(m_local);
    engineGroup->addButton(m_azure);

    auto *details = new QGroupBox(tr("Project"));
    auto *form = new QFormLayout(details);
    auto *nameBox = new QVBoxLayout;
    nameBox->setSpacing(2);
    nameBox->addWidget(m_name);
    nameBox->addWidget(m_nameError);
    form->addRow(tr("Na&me:"), nameBox);
    if (auto *l = qobject_cast<QLabel *>(form->labelForField(nameBox)))
        l->setBuddy(m_name);
    auto *modeBox = new QVBoxLayout;
    modeBox->setSpacing(2);
    modeBox->addWidget(m_online);
    modeBox->addWidget(makeHint(tr("The source keeps taking writes; its changes stream to the target until "
                                   "you cut over. Minimal downtime.")));
    modeBox->addWidget(m_offline);
    modeBox->addWidget(
        makeHint(tr("Copy once. Applications must not write to the source until the copy is finished.")));
    form->addRow(tr("Mode:"), modeBox);
    auto *engineBox = new QVBoxLayout;
    engineBox->setSpacing(2);
    engineBox->addWidget(m_local);
    engineBox->addWidget(
        makeHint(tr("pgferry copies and streams the data itself; no Azure service or VNet is needed.")));
    engineBox->addWidget(m_azure);
    engineBox->addWidget(
        makeHint(tr("Azure runs the migration for a flexible-server target; this window follows it.")));
    form->addRow(tr("Engine:"), engineBox);

    auto *v = new QVBoxLayout(this);
    v->addWidget(startBox);
    v->addWidget(details);
    v->addStretch();

    for (QWidget *w : std::initializer_list<QWidget *>{m_name, m_online, m_local})
        watch(w);
    connect(m_name, &QLineEdit::textChanged, this, [this] {
        if (m_nameError->isVisible())
            setError(m_nameError,
                     m_name->text().trimmed().isEmpty() ? tr("Give the project a name.") : QString());
    });
    connect(m_name, &QLineEdit::editingFinished, this, [this] {
        setError(m_nameError,
                 m_name->text().trimmed().isEmpty() ? tr("Give the project a name.") : QString());
    });
    connect(m_new, &QPushButton::clicked, wizard, &MigrationWizard::newProjectRequested);
    connect(m_open, &QPushButton::clicked, wizard,
            [wizard] { Q_EMIT wizard->openProjectRequested(QString()); });
    connect(m_recent, &QListWidget::itemActivated, wizard, [wizard](QListWidgetItem *item) {
        Q_EMIT wizard->openProjectRequested(item->data(Qt::UserRole).toString());
    });
}

void ProjectPage::initializePage()
{
    refreshRecent();
}

void ProjectPage::refreshRecent()
{
    m_recent->clear();
    const QStringList files = mw()->services()->recentFiles();
    for (const QString &f : files) {
        auto *item = new QListWidgetItem(style()->standardIcon(QStyle::SP_FileIcon),
                                         QStringLiteral("%1  —  %2").arg(QFileInfo(f).completeBaseName(), f));
        item->setData(Qt::UserRole, f);
        item->setToolTip(f);
        m_recent->addItem(item);
    }
    if (files.isEmpty()) {
        auto *item = new QListWidgetItem(tr("No recent projects"));
        item->setFlags(Qt::NoItemFlags);
        m_recent->addItem(item);
    }
}

void ProjectPage::loadFrom(const project::Project &p)
{
    m_name->setText(p.name);
    (p.mode == project::Mode::Online ? m_online : m_offline)->setChecked(true);
    (p.engine == project::Engine::Local ? m_local : m_azure)->setChecked(true);
    setError(m_nameError, {});
    refreshRecent();
}

void ProjectPage::storeTo(project::Project &p) const
{
    p.name = m_name->text().trimmed();
    p.mode = m_online->isChecked() ? project::Mode::Online : project::Mode::Offline;
    p.engine = m_local->isChecked() ? project::Engine::Local : project::Engine::Azure;
}

bool ProjectPage::isComplete() const
{
    return !m_name->text().trimmed().isEmpty();
}

bool ProjectPage::validatePage()
{
    if (m_name->text().trimmed().isEmpty()) {
        setError(m_nameError, tr("Give the project a name."));
        return false;
    }
    return true;
}

} // namespace pgferry::wizard
