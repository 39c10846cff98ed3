#include "cli/app.hpp"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "cli/database_setup.hpp"
#include "cli/deploy.hpp"
#include "cli/service_catalog.hpp"
#include "cli/supervisor.hpp"
#include "common/pg/migrations.hpp"
#include "common/version.hpp"
#include "gateway/service.hpp"
#include "identity/service.hpp"
#include "policy/cli.hpp"
#include "selftest/service.hpp"

namespace dts::cli {
namespace {

std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : std::move(fallback);
}

bool want_color() {
  if (std::getenv("NO_COLOR")) return false;
  if (std::getenv("FORCE_COLOR")) return true;
  return isatty(STDOUT_FILENO) == 1;
}

std::string self_binary() {
  std::error_code ec;
  auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("dts") : p.string();
}

void add_up(CLI::App& app) {
  auto* up = app.add_subcommand(
      "up", "Start PostgreSQL and every service, supervised (the local stand-in for ECS)");
  up->footer(
      "Environment: DTS_HOME (state dir, default .dts), DTS_ROOT (repository, default .),\n"
      "DATABASE_URL (use an external database), DTS_SERVICES (comma list, default all),\n"
      "DTS_PORT_OFFSET (added to every port), DTS_<SERVICE>_<VAR> (one service's env).");
  up->callback([] {
    SupervisorOptions o;
    o.home = std::filesystem::absolute(env_or("DTS_HOME", ".dts")).string();
    o.root = std::filesystem::absolute(env_or("DTS_ROOT", ".")).string();
    o.binary = self_binary();
    o.database_url = env_or("DATABASE_URL", "");
    o.port_offset = std::atoi(env_or("DTS_PORT_OFFSET", "0").c_str());
    o.color = want_color();
    std::string unknown;
    o.services = select_services(env_or("DTS_SERVICES", ""), unknown);
    if (!unknown.empty()) {
      std::cerr << "DTS_SERVICES: unknown service(s): " << unknown << "\n";
      std::exit(2);
    }
    std::exit(run_supervisor(o));
  });

  auto* status = app.add_subcommand("status", "Show the services of a running `dts up`");
  status->callback([] {
    std::exit(print_status(std::filesystem::absolute(env_or("DTS_HOME", ".dts")).string(),
                           want_color()));
  });
}

void add_migrate(CLI::App& app) {
  auto* migrate = app.add_subcommand(
      "migrate", "Apply pending migrations (DATABASE_URL, or the embedded cluster in DTS_HOME)");
  static std::string only;
  migrate->add_option("--service", only, "Only this service's migrations");
  migrate->callback([] {
    std::string root = std::filesystem::absolute(env_or("DTS_ROOT", ".")).string();
    std::string home = std::filesystem::absolute(env_or("DTS_HOME", ".dts")).string();
    std::string url = env_or("DATABASE_URL", "");
    std::vector<std::string> services;
    if (!only.empty()) {
      services.push_back(only);
    } else {
      for (const auto& s : all_services()) {
        if (s.uses_database) services.push_back(s.name);
      }
    }
    DatabaseSetup db(home, url);
    if (auto s = db.start(); !s.ok()) {
      std::cerr << "dts migrate: database: " << s.error().message() << "\n";
      std::exit(1);
    }
    int rc = 0;
    for (const auto& name : services) {
      auto conninfo = db.prepare_service(name, root);
      if (!conninfo.ok()) {
        std::cerr << "dts migrate: " << name << ": " << conninfo.error().message() << "\n";
        rc = 1;
        break;
      }
      std::cout << name << ": migrations up to date\n";
    }
    (void)db.stop();
    std::exit(rc);
  });
}

}  // namespace

int run(int argc, char** argv) {
  CLI::App app{"dts: the DTS Platform in one binary"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for all subcommands");

  auto* version = app.add_subcommand("version", "Print the version and exit");
  version->callback([] { std::cout << "dts " << kVersion << "\n"; });

  add_up(app);
  add_migrate(app);
  add_deploy(app);
  gateway::register_cli(app);
  policy::register_cli(app);
  identity::register_cli(app);
  selftest::register_cli(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}

}  // namespace dts::cli
