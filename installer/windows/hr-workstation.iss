; Inno Setup script for the Windows installer (build on Windows after `make dist`):
;   iscc installer\windows\hr-workstation.iss
#define AppName "检查检验结果互认工作站"
#define AppVersion "0.1.0"

[Setup]
AppId={{6D1E3F2A-5B4C-4E8A-9B7D-2C1A0F9E8D71}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=HR Workstation
DefaultDirName={autopf}\HR Workstation
DefaultGroupName={#AppName}
OutputDir=..\..\dist
OutputBaseFilename=hr-workstation-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\hr-workstation.ico
Compression=lzma2
SolidCompression=yes
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
; IT deploys the same settings file to every workstation:
;   %ProgramData%\hr-workstation\hr-workstation\settings.json

[Languages]
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "english"; MessagesFile: "compiler:Default.isl"

[Files]
Source: "..\..\dist\hr-workstation\*"; DestDir: "{app}"; Flags: recursesubdirs createallsubdirs ignoreversion
Source: "..\settings.example.json"; DestDir: "{app}\doc"; Flags: ignoreversion
; written by `make notices` (devtools.licences); the build also bundles resources\third_party.json
Source: "..\..\build\THIRD-PARTY-NOTICES.txt"; DestDir: "{app}\doc"; Flags: ignoreversion

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\workstation.exe"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\workstation.exe"

[Run]
Filename: "{app}\workstation.exe"; Description: "启动 {#AppName}"; Flags: nowait postinstall skipifsilent
