# cmake -DPROGRAM=<exe> -DNAME=<graft|graft-cli> -DTEMPLATE=<page.1.in> -DOUTPUT=<page.1.gz>
#       -DVERSION=<x.y.z> -P HelpToMan.cmake
# Turns QCommandLineParser --help output into troff and fills it into TEMPLATE:
#   @HELP_SECTIONS@   the "Options:"/"Arguments:" blocks of `PROGRAM --help`
#   @COMMANDS@        one subsection per command listed under "Commands:" in
#                     `PROGRAM --help`, each with that command's own --help
# A --help that fails is written into the page as "HELP UNAVAILABLE" (and warned
# about) rather than failing the build; the packaging test rejects such pages.

foreach(var PROGRAM NAME TEMPLATE OUTPUT VERSION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "HelpToMan.cmake: -D${var}=... is required")
  endif()
endforeach()

# The GUI builds a QApplication before parsing its arguments.
set(ENV{QT_QPA_PLATFORM} offscreen)
# Sanitizer builds: a leak report at exit must not turn into "help unavailable".
set(ENV{ASAN_OPTIONS} "detect_leaks=0")
# Fixed width so the continuation lines of wrapped descriptions are recognisable.
set(ENV{COLUMNS} 100)

# Placeholders keep ';' '[' ']' from being read as CMake list syntax.
set(semicolon_token "@GRAFT_SC@")
set(lbracket_token "@GRAFT_LB@")
set(rbracket_token "@GRAFT_RB@")

function(run_help out_text out_ok)
  execute_process(COMMAND "${PROGRAM}" ${ARGN} --help
                  RESULT_VARIABLE rc OUTPUT_VARIABLE text ERROR_VARIABLE err
                  TIMEOUT 60)
  if(NOT rc EQUAL 0 OR text STREQUAL "")
    message(WARNING "${NAME} ${ARGN} --help failed (exit ${rc}): ${err}")
    set(${out_text} "" PARENT_SCOPE)
    set(${out_ok} FALSE PARENT_SCOPE)
  else()
    set(${out_text} "${text}" PARENT_SCOPE)
    set(${out_ok} TRUE PARENT_SCOPE)
  endif()
endfunction()

# Help text -> list of lines, troff-escaped, list syntax neutralised.
function(help_lines text out_lines)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REPLACE ";" "${semicolon_token}" text "${text}")
  string(REPLACE "[" "${lbracket_token}" text "${text}")
  string(REPLACE "]" "${rbracket_token}" text "${text}")
  string(REPLACE "\r" "" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(${out_lines} "${lines}" PARENT_SCOPE)
endfunction()

# A line of running text must not start with a troff control character.
function(troff_text line out)
  if(line MATCHES "^[.']")
    set(line "\\&${line}")
  endif()
  set(${out} "${line}" PARENT_SCOPE)
endfunction()

# Option names and synopses: hyphens are real minus signs there.
function(troff_literal line out)
  string(REPLACE "-" "\\-" line "${line}")
  set(${out} "${line}" PARENT_SCOPE)
endfunction()

# Converts QCommandLineParser help into troff. WITH_USAGE keeps the usage line
# and description paragraph; HEADING is the macro for "Options:"-style headings.
# Entries ("  name   description") become .TP paragraphs; deeper-indented lines
# continue the previous entry's description.
function(help_to_troff text out)
  cmake_parse_arguments(ARG "WITH_USAGE" "HEADING;USAGE_NAME" "" ${ARGN})
  help_lines("${text}" lines)
  set(troff "")
  set(in_blocks FALSE)
  foreach(line IN LISTS lines)
    if(line MATCHES "^Usage: [^ ]+(.*)$")
      if(ARG_WITH_USAGE)
        # QCommandLineParser names the program by the path it was started with
        # and does not know about subcommands: show "graft-cli <command>" instead.
        set(usage "${CMAKE_MATCH_1}")
        string(FIND "${usage}" " ${ARG_USAGE_NAME}" named)
        if(named EQUAL 0)
          set(usage "${NAME}${usage}")
        else()
          set(usage "${NAME} ${ARG_USAGE_NAME}${usage}")
        endif()
        troff_literal("${usage}" usage)
        string(APPEND troff ".PP\n.B ${usage}\n.PP\n")
      endif()
    elseif(line MATCHES "^([A-Z][A-Za-z ]*):[ ]*$")
      set(in_blocks TRUE)
      if(ARG_HEADING STREQUAL ".SS")
        string(APPEND troff ".SS ${CMAKE_MATCH_1}\n")
      else()
        string(APPEND troff ".PP\n\\fI${CMAKE_MATCH_1}:\\fR\n")
      endif()
    elseif(line MATCHES "^[ ]*$")
      if(NOT in_blocks AND ARG_WITH_USAGE)
        string(APPEND troff ".PP\n")
      endif()
    elseif(line MATCHES "^    +(.*)$")
      if(in_blocks)
        troff_text("${CMAKE_MATCH_1}" cont)
        string(APPEND troff "${cont}\n")
      endif()
    elseif(line MATCHES "^  ([^ ].*)$")
      if(in_blocks)
        set(rest "${CMAKE_MATCH_1}")
        string(FIND "${rest}" "  " gap)
        if(gap EQUAL -1)
          set(entry "${rest}")
          set(description "")
        else()
          string(SUBSTRING "${rest}" 0 ${gap} entry)
          string(SUBSTRING "${rest}" ${gap} -1 description)
          string(STRIP "${description}" description)
        endif()
        troff_literal("${entry}" entry)
        troff_text("${description}" description)
        string(APPEND troff ".TP\n.B ${entry}\n")
        if(NOT description STREQUAL "")
          string(APPEND troff "${description}\n")
        endif()
      endif()
    elseif(NOT in_blocks AND ARG_WITH_USAGE)
      troff_text("${line}" para)
      string(APPEND troff "${para}\n")
    endif()
  endforeach()
  set(${out} "${troff}" PARENT_SCOPE)
endfunction()

run_help(top_help top_ok)
if(NOT top_ok)
  set(HELP_SECTIONS ".PP\nHELP UNAVAILABLE: ${NAME} \\-\\-help failed at build time.\n")
  set(COMMANDS "${HELP_SECTIONS}")
else()
  help_to_troff("${top_help}" HELP_SECTIONS HEADING ".SS")

  # Subcommands are the entries of the "Commands:" block.
  set(COMMANDS "")
  help_lines("${top_help}" lines)
  set(in_commands FALSE)
  foreach(line IN LISTS lines)
    if(line MATCHES "^Commands:")
      set(in_commands TRUE)
    elseif(in_commands AND line MATCHES "^  ([A-Za-z0-9_-]+)")
      set(command "${CMAKE_MATCH_1}")
      troff_literal("${NAME} ${command}" title)
      string(APPEND COMMANDS ".SS \"${title}\"\n")
      run_help(command_help command_ok ${command})
      if(command_ok)
        help_to_troff("${command_help}" body WITH_USAGE HEADING ".PP" USAGE_NAME "${command}")
        string(APPEND COMMANDS "${body}")
      else()
        string(APPEND COMMANDS ".PP\nHELP UNAVAILABLE: ${NAME} ${command} \\-\\-help failed at build time.\n")
      endif()
    elseif(in_commands AND NOT line MATCHES "^  ")
      set(in_commands FALSE)
    endif()
  endforeach()
endif()

string(TIMESTAMP DATE "%Y-%m-%d" UTC)
file(READ "${TEMPLATE}" page)
string(CONFIGURE "${page}" page @ONLY)
string(REPLACE "${semicolon_token}" ";" page "${page}")
string(REPLACE "${lbracket_token}" "[" page "${page}")
string(REPLACE "${rbracket_token}" "]" page "${page}")
# Blank lines mean vertical space in troff; paragraphs are already .PP/.TP.
string(REGEX REPLACE "\n\n+" "\n" page "${page}")
string(REGEX REPLACE "(\\.PP\n)+" ".PP\n" page "${page}")

get_filename_component(out_dir "${OUTPUT}" DIRECTORY)
string(REGEX REPLACE "\\.gz$" "" plain "${OUTPUT}")
file(WRITE "${plain}" "${page}")
# Debian policy: man pages are installed gzip-compressed.
file(ARCHIVE_CREATE OUTPUT "${OUTPUT}" PATHS "${plain}" FORMAT raw COMPRESSION GZip)
