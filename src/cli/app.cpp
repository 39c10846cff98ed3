#include "cli/app.hpp"

#include <CLI/CLI.hpp>
#include <iostream>

#include "common/version.hpp"

namespace dts::cli {

int run(int argc, char** argv) {
  CLI::App app{"dts — the DTS Platform in one binary"};
  app.require_subcommand(1);
  app.set_help_all_flag("--help-all", "Show help for all subcommands");

  auto* version = app.add_subcommand("version", "Print the version and exit");
  version->callback([] { std::cout << "dts " << kVersion << "\n"; });

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}

}  // namespace dts::cli
