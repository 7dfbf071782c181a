<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AboutDialog</name>
    <message>
        <location filename="../../ui/about_dialog.py" line="33"/>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <location filename="../../ui/about_dialog.py" line="38"/>
        <source>Results Recognition Workstation %1</source>
        <translation>检查检验结果互认工作站 %1</translation>
    </message>
    <message>
        <location filename="../../ui/about_dialog.py" line="44"/>
        <source>Build %1</source>
        <translation>构建版本 %1</translation>
    </message>
    <message>
        <location filename="../../ui/about_dialog.py" line="44"/>
        <source>Build: unknown</source>
        <translation>构建版本：未知</translation>
    </message>
    <message>
        <location filename="../../ui/about_dialog.py" line="48"/>
        <source>Qt %1 · PySide6 %2</source>
        <translation>Qt %1 · PySide6 %2</translation>
    </message>
    <message>
        <location filename="../../ui/about_dialog.py" line="61"/>
        <source>The third-party notices were not generated with this copy.</source>
        <translation>此副本未生成第三方组件许可声明。</translation>
    </message>
    <message>
        <location filename="../../ui/about_dialog.py" line="76"/>
        <source>Bundled libraries and fonts</source>
        <translation>随附的程序库和字体</translation>
    </message>
</context>
<context>
    <name>AnnotationList</name>
    <message>
        <location filename="../../ui/annotation_list.py" line="63"/>
        <source>Measurements (SR)</source>
        <translation>测量报告（SR）</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="64"/>
        <source>Key images (KOS)</source>
        <translation>关键图像（KOS）</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="65"/>
        <source>Presentation state (GSPS)</source>
        <translation>显示状态（GSPS）</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="70"/>
        <source>not supported by this viewer</source>
        <translation>本阅片程序不支持</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="71"/>
        <source>damaged data</source>
        <translation>数据损坏</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="72"/>
        <source>refers to images not in this study</source>
        <translation>引用的图像不在本检查中</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="73"/>
        <source>not shown: too many</source>
        <translation>数量过多，未显示</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="79"/>
        <source>me</source>
        <translation>本人</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="79"/>
        <source>unknown author</source>
        <translation>作者不详</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/annotation_list.py" line="86"/>
        <source>%n mark(s)</source>
        <translation>
            <numerusform>%n 处标注</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/annotation_list.py" line="88"/>
        <source>%n key image(s)</source>
        <translation>
            <numerusform>%n 幅关键图像</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="96"/>
        <source>window %1/%2</source>
        <translation>窗位/窗宽 %1/%2</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="101"/>
        <source>its window on screen</source>
        <translation>正在使用其窗宽窗位</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="105"/>
        <source>editable</source>
        <translation>可编辑</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="107"/>
        <source>names you, not saved here</source>
        <translation>署名为您，但非在此保存</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/annotation_list.py" line="109"/>
        <source>%n not shown</source>
        <translation>
            <numerusform>%n 项未显示</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="115"/>
        <source>its VOI LUT table on screen</source>
        <translation>正在使用其 VOI LUT 表</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="116"/>
        <source>its modality LUT table on screen</source>
        <translation>正在使用其模态 LUT 表</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="117"/>
        <source>its presentation LUT table on screen</source>
        <translation>正在使用其显示 LUT 表</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="118"/>
        <source>shown inverted, as it says (Presentation LUT INVERSE)</source>
        <translation>按其要求黑白反相显示（显示 LUT：INVERSE）</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="120"/>
        <source>shown not inverted, as it says (Presentation LUT IDENTITY)</source>
        <translation>按其要求不反相显示（显示 LUT：IDENTITY）</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="135"/>
        <source>image %1/%2</source>
        <translation>第 %1/%2 幅</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="170"/>
        <source>Its display (LUT tables, black and white) is on screen: uncheck it to go back to the image&apos;s own.</source>
        <translation>正在使用其显示方式（LUT 表、黑白极性）：取消勾选即回到图像自身的显示。</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="175"/>
        <source>Its window is on screen: uncheck it to go back to yours.</source>
        <translation>图像正按其窗宽窗位显示；取消勾选即回到您自己的窗宽窗位。</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="177"/>
        <source>Click to show the image its marks are on (again: the next).</source>
        <translation>单击转到标注所在的图像（再次单击：下一幅）。</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="179"/>
        <source>Your latest measurements: they are among your marks.</source>
        <translation>您最近保存的测量：已放回您的标注中，可继续编辑。</translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="184"/>
        <source>It names you as its author, but it was not saved from your account on this workstation: it is shown read-only, like another doctor&apos;s.</source>
        <translation>此对象署名为您，但并非由您的账号在本工作站保存：按其他医生的标注以只读方式显示。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/annotation_list.py" line="208"/>
        <source>Saved annotations: %n</source>
        <translation>
            <numerusform>已保存的标注：%n 个</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/annotation_list.py" line="210"/>
        <source>No saved annotations in this study</source>
        <translation>本检查没有已保存的标注</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/annotation_list.py" line="213"/>
        <source>%n could not be read</source>
        <translation>
            <numerusform>%n 个无法读取</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <location filename="../../ui/app.py" line="45"/>
        <source>Results Recognition Workstation</source>
        <translation>检查检验结果互认工作站</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../ui/crash.py" line="27"/>
        <source>Unexpected error</source>
        <translation>意外错误</translation>
    </message>
    <message>
        <location filename="../../ui/crash.py" line="29"/>
        <source>Something went wrong. Your recorded decisions are safe. Details were written to the log file:</source>
        <translation>程序出现问题。您已记录的互认结论不会丢失。详细信息已写入日志文件：</translation>
    </message>
</context>
<context>
    <name>DecisionPanel</name>
    <message>
        <location filename="../../ui/decision_panel.py" line="67"/>
        <source>Accept (A)</source>
        <translation>互认（A）</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="69"/>
        <source>Recognize this result: no repeat (A)</source>
        <translation>互认此结果，不再重复检查（A）</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="74"/>
        <source>Order repeat (R)</source>
        <translation>重新检查（R）</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="77"/>
        <source>Do not recognize: the examination is repeated (R), then choose a reason (1–9)</source>
        <translation>不予互认，需重新检查（R），再选择原因（1–9）</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="83"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="84"/>
        <source>Withdraw the decision in force (history is kept)</source>
        <translation>撤销当前结论（保留历史记录）</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="85"/>
        <source>Accept all eligible of this visit</source>
        <translation>互认本次就诊全部符合条件的结果</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="93"/>
        <source>Note (required for some reasons)</source>
        <translation>备注（部分原因必填）</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="95"/>
        <source>Purpose and necessity explained to the patient / family</source>
        <translation>已向患者/家属说明复查的目的和必要性</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="98"/>
        <source>Save repeat order</source>
        <translation>保存复查决定</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="104"/>
        <source>Reason for the repeat</source>
        <translation>复查原因</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="124"/>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="126"/>
        <source>Copy the sentence for the medical record</source>
        <translation>复制病历记录语句</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="155"/>
        <source>For the medical record</source>
        <translation>病历记录</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="157"/>
        <source>History</source>
        <translation>历史记录</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="244"/>
        <source>Select a result to decide on it.</source>
        <translation>请选择一项结果以作出互认结论。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/decision_panel.py" line="255"/>
        <source>%n hour(s)</source>
        <translation>
            <numerusform>%n小时</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/decision_panel.py" line="256"/>
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n天</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="262"/>
        <source>HR mark %1</source>
        <translation>HR标识 %1</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="263"/>
        <source>collected %1 ago</source>
        <translation>采集于%1前</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="266"/>
        <source>validity %1</source>
        <translation>有效期%1</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="269"/>
        <source>from a %1 hospital</source>
        <translation>来自%1医院</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="274"/>
        <source>; also expired</source>
        <translation>；且已过期</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="276"/>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="287"/>
        <source>eligible for recognition</source>
        <translation>符合互认条件</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="288"/>
        <source>expired</source>
        <translation>已超过有效期</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="289"/>
        <source>not a recognized item</source>
        <translation>非互认项目</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="290"/>
        <source>no HR mark from the issuing hospital</source>
        <translation>出具医院未标注 HR 标识</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="291"/>
        <source>recognized only outside this region</source>
        <translation>不在本地区互认范围内</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="292"/>
        <source>issuing hospital below the item&apos;s minimum level</source>
        <translation>出具医院等级低于该项目要求</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="312"/>
        <source> (against the rules: %1)</source>
        <translation>（不符合互认条件：%1）</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="356"/>
        <source>saved and sent to %1</source>
        <translation>已保存并上传至 %1</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="361"/>
        <source>saved, waiting to send to %1</source>
        <translation>已保存，等待上传至 %1</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="414"/>
        <source>already decided</source>
        <translation>已有结论</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="416"/>
        <source>no rule check (no catalog)</source>
        <translation>未做规则核对（无互认目录）</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="421"/>
        <source>%1: %2</source>
        <translation>%1 %2 项</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/decision_panel.py" line="423"/>
        <source>Accepting %n result(s) of this visit.</source>
        <translation>
            <numerusform>正在互认本次就诊的 %n 项结果。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="425"/>
        <source>No result of this visit qualifies.</source>
        <translation>本次就诊没有符合互认条件的结果。</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="427"/>
        <source>No result of this visit qualifies</source>
        <translation>本次就诊没有符合互认条件的结果</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="429"/>
        <source> — left out: %1</source>
        <translation>——未纳入：%1</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="277"/>
        <source>catalog %1</source>
        <translation>互认目录 %1</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="278"/>
        <source>The decision is yours.</source>
        <translation>最终由接诊医师判断。</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="316"/>
        <source>Note: %1</source>
        <translation>备注：%1</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="326"/>
        <source>No decision yet.</source>
        <translation>尚未作出结论。</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="326"/>
        <source>Decision withdrawn.</source>
        <translation>结论已撤销。</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="329"/>
        <source>In force: %1 · %2</source>
        <translation>当前结论：%1 · %2</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="338"/>
        <source>accepted</source>
        <translation>互认</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="339"/>
        <source>repeat ordered</source>
        <translation>重新检查</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="340"/>
        <source>withdrawn</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="345"/>
        <source>viewed</source>
        <translation>已查阅</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="357"/>
        <source>saved and sent</source>
        <translation>已保存并上传</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="359"/>
        <source>refused by the platform: %1</source>
        <translation>平台拒绝：%1</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="362"/>
        <source>saved, waiting to send</source>
        <translation>已保存，等待上传</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="380"/>
        <source>Choose a reason.</source>
        <translation>请选择原因。</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="383"/>
        <location filename="../../ui/decision_panel.py" line="400"/>
        <source>This reason needs a note.</source>
        <translation>此原因需要填写备注。</translation>
    </message>
    <message>
        <location filename="../../ui/decision_panel.py" line="386"/>
        <source>Confirm that the purpose and necessity were explained to the patient or family.</source>
        <translation>请确认已向患者或家属说明复查的目的和必要性。</translation>
    </message>
</context>
<context>
    <name>DiscImportDialog</name>
    <message>
        <location filename="../../ui/disc_import.py" line="74"/>
        <source>Import disc or folder</source>
        <translation>导入光盘/文件夹</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="76"/>
        <source>Studies in %1</source>
        <translation>%1 中的检查</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="84"/>
        <source>Reading the disc…</source>
        <translation>正在读取光盘…</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="84"/>
        <source>Asking the PACS…</source>
        <translation>正在查询 PACS…</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="103"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="104"/>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="105"/>
        <source>Study</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="106"/>
        <source>Hospital</source>
        <translation>医院</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="107"/>
        <source>Name on disc</source>
        <translation>光盘上的姓名</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="107"/>
        <source>Name in PACS</source>
        <translation>PACS 中的姓名</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="108"/>
        <source>Patient ID</source>
        <translation>患者ID</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="109"/>
        <source>Birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="110"/>
        <source>Identity</source>
        <translation>身份核对</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="117"/>
        <source>Keep the added studies on this computer (encrypted)</source>
        <translation>在本机保留所添加的检查（加密）</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="123"/>
        <source>Copied from the disc, encrypted with your key; they come back when you open this patient again</source>
        <translation>从光盘复制并用您的密钥加密；再次打开此患者时会重新显示</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="127"/>
        <source>Not available: this computer has no secure keyring to encrypt them</source>
        <translation>不可用：本机没有可用于加密的安全密钥环</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="132"/>
        <source>Add chosen studies</source>
        <translation>添加所选检查</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/disc_import.py" line="164"/>
        <source>Reading the disc… %n file(s)</source>
        <translation>
            <numerusform>正在读取光盘… 已读 %n 个文件</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="169"/>
        <source>The disc cannot be read: %1</source>
        <translation>无法读取光盘：%1</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="171"/>
        <source>The PACS did not answer: %1</source>
        <translation>PACS 无应答：%1</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/disc_import.py" line="183"/>
        <source>%n study(ies) on the disc</source>
        <translation>
            <numerusform>光盘上有 %n 项检查</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/disc_import.py" line="185"/>
        <source>%n study(ies) in the PACS</source>
        <translation>
            <numerusform>PACS 中有 %n 项检查</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="188"/>
        <source>No DICOM studies on the disc.</source>
        <translation>光盘上没有 DICOM 检查。</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="190"/>
        <source>The PACS has no studies of this patient.</source>
        <translation>PACS 中没有该患者的检查。</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="198"/>
        <source>Some of these studies are not confirmed to be of %1: check name, birth date and ID before adding them. Studies of another person or with contradicting facts cannot be added.</source>
        <translation>其中有检查未确认属于%1：添加前请核对姓名、出生日期和证件号。属于他人或信息相互矛盾的检查不能添加。</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="240"/>
        <source>Same ID card: confirmed</source>
        <translation>身份证号一致：已确认</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="241"/>
        <source>Probable (name, birth date, sex): tick to confirm</source>
        <translation>可能为同一人（姓名、出生日期、性别一致）：勾选即确认</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="242"/>
        <source>Conflict: not this patient</source>
        <translation>信息冲突：不是当前患者</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="243"/>
        <source>Another person</source>
        <translation>其他患者</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="251"/>
        <source>Same ID card, name in another script: tick to confirm</source>
        <translation>身份证号相同，姓名书写方式不同（拼音/汉字）：请核对后勾选确认</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="254"/>
        <source>differs: %1</source>
        <translation>不一致：%1</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="260"/>
        <source>ID card</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="261"/>
        <source>name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="262"/>
        <source>birth date</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="263"/>
        <source>sex</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="269"/>
        <source>The DICOMDIR is damaged: the folders were searched instead.</source>
        <translation>DICOMDIR 已损坏：已改为逐个文件夹查找。</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/disc_import.py" line="272"/>
        <source>%n file(s) listed in the DICOMDIR are missing.</source>
        <translation>
            <numerusform>DICOMDIR 中列出的 %n 个文件缺失。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/disc_import.py" line="275"/>
        <source>%n file(s) are not DICOM and were skipped.</source>
        <translation>
            <numerusform>%n 个文件不是 DICOM 文件，已跳过。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/disc_import.py" line="278"/>
        <source>%n DICOM file(s) cannot be read.</source>
        <translation>
            <numerusform>%n 个 DICOM 文件无法读取。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/disc_import.py" line="283"/>
        <source>%n file(s) the DICOMDIR names are outside the disc and were not opened.</source>
        <translation>
            <numerusform>DICOMDIR 中有 %n 个文件位于光盘之外，未予打开。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/disc_import.py" line="292"/>
        <source>%n file(s) name another patient than their study and were left out.</source>
        <translation>
            <numerusform>%n 个文件记载的患者与所属检查不符，已排除。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/disc_import.py" line="316"/>
        <source>Patient&apos;s disc</source>
        <translation>患者光盘</translation>
    </message>
</context>
<context>
    <name>ErrorBanner</name>
    <message>
        <location filename="../../ui/error_banner.py" line="22"/>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <location filename="../../ui/error_banner.py" line="23"/>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>ExtraSignInDialog</name>
    <message>
        <location filename="../../ui/extra_sign_in.py" line="20"/>
        <source>Sign in to %1</source>
        <translation>登录 %1</translation>
    </message>
    <message>
        <location filename="../../ui/extra_sign_in.py" line="25"/>
        <source>Also sign in to %1: its results join the patient&apos;s timeline, and your decisions on them are sent to it.</source>
        <translation>同时登录 %1：该平台的结果并入患者时间轴，您对这些结果的判定发送至该平台。</translation>
    </message>
</context>
<context>
    <name>ImageViewer</name>
    <message>
        <location filename="../../ui/viewer.py" line="203"/>
        <source>This series holds images in more than one plane; each is its own stack</source>
        <translation>此序列含多个方位的图像，每个方位单独成组</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="208"/>
        <source>Invert</source>
        <translation>反色</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="212"/>
        <source>Reset</source>
        <translation>复位</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="282"/>
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="283"/>
        <source>One image pixel per screen pixel</source>
        <translation>一个图像像素对应一个屏幕像素</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="293"/>
        <location filename="../../ui/viewer.py" line="460"/>
        <source>Play</source>
        <translation>播放</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="302"/>
        <source> fps</source>
        <translation> 帧/秒</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="457"/>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_presets.py" line="77"/>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="238"/>
        <source>Length</source>
        <translation>长度</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="194"/>
        <source>Window presets: keys 1–9 your presets, 0 the file&apos;s window</source>
        <translation>窗宽窗位预设：数字键 1–9 为您的预设，0 为文件自带窗</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="240"/>
        <source>Length: drag on the image from one end to the other; Esc leaves the tool</source>
        <translation>长度：在图像上从一端拖到另一端；Esc 退出工具</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="243"/>
        <source>Angle</source>
        <translation>角度</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="246"/>
        <source>Angle: drag the first arm from its end to the vertex, then click the third point</source>
        <translation>角度：从第一条边的端点拖到顶点，再单击第三个点</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="250"/>
        <source>Ellipse</source>
        <translation>椭圆</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="253"/>
        <source>Ellipse region: drag its box; mean, SD, min, max, area in modality units (HU for CT)</source>
        <translation>椭圆区域：拖出其外框；显示均值、标准差、最小值、最大值、面积（CT 为 HU）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="257"/>
        <source>Rectangle</source>
        <translation>矩形</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="259"/>
        <source>Rectangle region: drag its box; mean, SD, min, max, area in modality units</source>
        <translation>矩形区域：拖出其外框；显示均值、标准差、最小值、最大值、面积（设备单位）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="262"/>
        <location filename="../../ui/viewer_marks.py" line="240"/>
        <source>Arrow</source>
        <translation>箭头</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="266"/>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="271"/>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="275"/>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="276"/>
        <source>Delete every mark on this image</source>
        <translation>删除此图像上的全部标注</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="277"/>
        <source>Key image</source>
        <translation>关键图像</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="286"/>
        <source>Rotate 90° clockwise (]; [ turns counter-clockwise)</source>
        <translation>顺时针旋转 90° (]；[ 逆时针)</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="303"/>
        <source>Cine frame rate</source>
        <translation>电影播放帧率</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="359"/>
        <source>Right-drag: window/level · wheel or ↑/↓: scroll · Ctrl+wheel: zoom · left-drag: pan, or the measuring tool held (L, G, E, B; Esc leaves it) · middle-drag or Space+left-drag: pan</source>
        <translation>右键拖动：调窗 · 滚轮或 ↑/↓：翻层 · Ctrl+滚轮：缩放 · 左键拖动：平移，或使用当前测量工具（L、G、E、B；Esc 退出）· 中键拖动或按住空格左键拖动：平移</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="641"/>
        <source>Axial</source>
        <translation>横断位</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="642"/>
        <source>Coronal</source>
        <translation>冠状位</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="643"/>
        <source>Sagittal</source>
        <translation>矢状位</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="644"/>
        <source>Oblique</source>
        <translation>斜位</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="646"/>
        <source>No geometry</source>
        <translation>无几何信息</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="726"/>
        <source>Loading image %1 / %2…</source>
        <translation>正在载入第 %1 / %2 幅图像…</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_presets.py" line="71"/>
        <source>The file&apos;s windows</source>
        <translation>文件自带窗</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_presets.py" line="82"/>
        <source>Auto (1–99 %)</source>
        <translation>自动（1–99 %）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_presets.py" line="83"/>
        <source>Full range</source>
        <translation>全范围</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_marks.py" line="241"/>
        <source>Text:</source>
        <translation>文字：</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_marks.py" line="317"/>
        <source>%1 mm (detector plane)</source>
        <translation>%1 mm（探测器平面）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_marks.py" line="313"/>
        <source>%1 px (uncalibrated)</source>
        <translation>%1 像素（未校准）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_marks.py" line="342"/>
        <source>area %1 mm²</source>
        <translation>面积 %1 mm²</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_marks.py" line="341"/>
        <source>%1 px</source>
        <translation>%1 像素</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="210"/>
        <source>Invert grey levels</source>
        <translation>灰度反转</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="214"/>
        <source>Fit to the cell, restore the file&apos;s window, undo rotation and flips</source>
        <translation>适应窗格，恢复文件窗宽窗位，取消旋转和翻转</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="264"/>
        <source>Arrow with a text; drag its tip and tail</source>
        <translation>带文字的箭头；拖动箭头尖端和尾端</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="268"/>
        <source>Delete the selected mark (click a mark to select it)</source>
        <translation>删除选中的标注（单击标注即可选中）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="273"/>
        <source>Undo the last mark added, moved or deleted</source>
        <translation>撤销上一次添加、移动或删除标注</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="279"/>
        <source>Keep this view, with window/level and marks, for the printed summary</source>
        <translation>保留当前视图（含窗宽窗位和标注）用于打印摘要</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="289"/>
        <source>Flip left–right</source>
        <translation>左右翻转</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="291"/>
        <source>Flip top–bottom</source>
        <translation>上下翻转</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="296"/>
        <source>Play the frames as a loop</source>
        <translation>循环播放各帧</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_marks.py" line="321"/>
        <source>%1 mm patient plane (estimated)</source>
        <translation>%1 mm 患者平面（估算）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_marks.py" line="328"/>
        <source>%1 mm (US region %2)</source>
        <translation>%1 mm（超声区域 %2）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_marks.py" line="346"/>
        <source> (detector plane)</source>
        <translation>（探测器平面）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_marks.py" line="348"/>
        <source> (US region)</source>
        <translation>（超声区域）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_marks.py" line="371"/>
        <source>mean</source>
        <translation>均值</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_marks.py" line="372"/>
        <source>min</source>
        <translation>最小</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_marks.py" line="373"/>
        <source>max</source>
        <translation>最大</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_presets.py" line="128"/>
        <location filename="../../ui/viewer_text.py" line="180"/>
        <source>VOI LUT (file)</source>
        <translation>VOI LUT（文件）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_text.py" line="253"/>
        <source>(character set not declared)</source>
        <translation>（字符集未声明）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_text.py" line="266"/>
        <source> (loading %1/%2)</source>
        <translation>（加载中 %1/%2）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer.py" line="1085"/>
        <location filename="../../ui/viewer_text.py" line="274"/>
        <source>Image %1 / %2</source>
        <translation>图像 %1 / %2</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_text.py" line="287"/>
        <source>Position %1 mm</source>
        <translation>位置 %1 mm</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_text.py" line="293"/>
        <source>Thickness %1 mm</source>
        <translation>层厚 %1 mm</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_text.py" line="302"/>
        <source>Zoom %1%</source>
        <translation>缩放 %1%</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_presets.py" line="123"/>
        <location filename="../../ui/viewer_text.py" line="182"/>
        <source>W %1  L %2</source>
        <translation>窗宽 %1  窗位 %2</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_text.py" line="89"/>
        <source>Source: %1</source>
        <translation>来源：%1</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_text.py" line="163"/>
        <source>mirrored left–right</source>
        <translation>已左右镜像</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_text.py" line="166"/>
        <source>rotated %1°</source>
        <translation>已旋转 %1°</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_text.py" line="179"/>
        <source>VOI LUT (presentation state)</source>
        <translation>VOI LUT（显示状态）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_text.py" line="272"/>
        <source>Frame %1 / %2</source>
        <translation>帧 %1 / %2</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_text.py" line="281"/>
        <source>Se %1 · Im %2</source>
        <translation>序列 %1 · 图像号 %2</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_text.py" line="307"/>
        <source>calibrated (Pixel Spacing)</source>
        <translation>已校准（Pixel Spacing）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_text.py" line="310"/>
        <source>detector plane (Imager Pixel Spacing)</source>
        <translation>探测器平面（Imager Pixel Spacing）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_text.py" line="313"/>
        <source>ultrasound regions (cm)</source>
        <translation>超声区域标定（cm）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_text.py" line="316"/>
        <source>uncalibrated</source>
        <translation>未校准</translation>
    </message>
</context>
<context>
    <name>LabFlag</name>
    <message>
        <location filename="../../ui/lab_flags.py" line="17"/>
        <source>↑ high</source>
        <translation>↑ 偏高</translation>
    </message>
    <message>
        <location filename="../../ui/lab_flags.py" line="18"/>
        <source>↓ low</source>
        <translation>↓ 偏低</translation>
    </message>
    <message>
        <location filename="../../ui/lab_flags.py" line="19"/>
        <source>↑↑ critical</source>
        <translation>↑↑ 危急</translation>
    </message>
    <message>
        <location filename="../../ui/lab_flags.py" line="20"/>
        <source>↓↓ critical</source>
        <translation>↓↓ 危急</translation>
    </message>
    <message>
        <location filename="../../ui/lab_flags.py" line="21"/>
        <source>abnormal</source>
        <translation>异常</translation>
    </message>
    <message>
        <location filename="../../ui/lab_flags.py" line="28"/>
        <source>%1 (value within the reference range)</source>
        <translation>%1（值在参考范围内）</translation>
    </message>
    <message>
        <location filename="../../ui/lab_flags.py" line="29"/>
        <source>%1 (value above the reference range)</source>
        <translation>%1（值高于参考范围）</translation>
    </message>
    <message>
        <location filename="../../ui/lab_flags.py" line="30"/>
        <source>%1 (value below the reference range)</source>
        <translation>%1（值低于参考范围）</translation>
    </message>
    <message>
        <location filename="../../ui/lab_flags.py" line="39"/>
        <source>↑? (hospital flagged normal)</source>
        <translation>↑?（医院标记正常）</translation>
    </message>
    <message>
        <location filename="../../ui/lab_flags.py" line="40"/>
        <source>↓? (hospital flagged normal)</source>
        <translation>↓?（医院标记正常）</translation>
    </message>
    <message>
        <location filename="../../ui/lab_flags.py" line="42"/>
        <source>↑? (not flagged by the hospital)</source>
        <translation>↑?（医院未标记）</translation>
    </message>
    <message>
        <location filename="../../ui/lab_flags.py" line="43"/>
        <source>↓? (not flagged by the hospital)</source>
        <translation>↓?（医院未标记）</translation>
    </message>
    <message>
        <location filename="../../ui/lab_flags.py" line="61"/>
        <source>The hospital&apos;s own flag is shown as reported; against the hospital&apos;s reference range the value reads differently. Check the report.</source>
        <translation>按医院报告原样显示其标记；按该院参考范围判断，数值与该标记不符，请核对报告。</translation>
    </message>
</context>
<context>
    <name>LabTable</name>
    <message>
        <location filename="../../ui/lab_table.py" line="49"/>
        <source>Normalized units</source>
        <translation>统一单位</translation>
    </message>
    <message>
        <location filename="../../ui/lab_table.py" line="52"/>
        <source>Convert to one unit per analyte; the value as reported stays visible</source>
        <translation>每个检验项目换算为统一单位；原始报告值始终可见</translation>
    </message>
    <message>
        <location filename="../../ui/lab_table.py" line="59"/>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../ui/lab_table.py" line="60"/>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../ui/lab_table.py" line="61"/>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../ui/lab_table.py" line="62"/>
        <source>Reference range</source>
        <translation>参考范围</translation>
    </message>
    <message>
        <location filename="../../ui/lab_table.py" line="63"/>
        <source>Flag</source>
        <translation>提示</translation>
    </message>
    <message>
        <location filename="../../ui/lab_table.py" line="64"/>
        <source>As reported</source>
        <translation>原始报告值</translation>
    </message>
    <message>
        <location filename="../../ui/lab_table.py" line="107"/>
        <source>⚠ shown as reported: unit cannot be converted</source>
        <translation>⚠ 按原值显示：单位无法换算</translation>
    </message>
    <message>
        <location filename="../../ui/lab_table.py" line="109"/>
        <source>⚠ shown as reported: unknown analyte</source>
        <translation>⚠ 按原值显示：未知检验项目</translation>
    </message>
</context>
<context>
    <name>LockPage</name>
    <message>
        <location filename="../../ui/idle_lock.py" line="72"/>
        <source>Locked after inactivity</source>
        <translation>长时间未操作，已锁定</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="80"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="81"/>
        <source>Unlock</source>
        <translation>解锁</translation>
    </message>
    <message>
        <location filename="../../ui/idle_lock.py" line="82"/>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../ui/main_window.py" line="247"/>
        <source>Results Recognition Workstation</source>
        <translation>检查检验结果互认工作站</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="256"/>
        <source>No secure system keyring is available on this computer, so sign-in cannot be remembered.</source>
        <translation>本机没有安全的系统密钥环，无法记住登录。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="283"/>
        <source>Session</source>
        <translation>会话</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="288"/>
        <source>Sign out</source>
        <translation>退出登录</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="309"/>
        <source>My statistics…</source>
        <translation>我的统计…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="312"/>
        <source>Region statistics</source>
        <translation>区域统计</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="315"/>
        <location filename="../../ui/main_window.py" line="688"/>
        <source>Not signed in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="393"/>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="394"/>
        <source>Platforms…</source>
        <translation>平台…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="396"/>
        <source>Window presets…</source>
        <translation>窗宽窗位预设…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="398"/>
        <source>Window/level drag</source>
        <translation>调窗拖动按键</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="403"/>
        <source>Middle button only (right button free)</source>
        <translation>仅中键（右键留作他用）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="411"/>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="417"/>
        <source>Help</source>
        <translation>帮助</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="418"/>
        <location filename="../../ui/main_window.py" line="448"/>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="419"/>
        <source>About</source>
        <translation>关于</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="424"/>
        <source>The language changes at the next start.</source>
        <translation>界面语言将在下次启动时切换。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="450"/>
        <source>Images: right-drag window/level · wheel or ↑/↓ scroll · PageUp/PageDown ±10 · Home/End · Ctrl+wheel zoom · 1–9 presets · I invert · F fit · L length · G angle · E ellipse · B rectangle · T text arrow · click a mark, Del deletes · Ctrl+Z undo · ] [ rotate · H V flip · Space cine · K key image
Decisions: A accept · R order repeat, then 1–9 reason</source>
        <translation>图像：右键拖动调窗 · 滚轮或 ↑/↓ 翻层 · PageUp/PageDown ±10 · Home/End · Ctrl+滚轮缩放 · 1–9 预设窗 · I 反色 · F 适应窗口 · L 长度 · G 角度 · E 椭圆 · B 矩形 · T 文字箭头 · 单击标注后 Del 删除 · Ctrl+Z 撤销 · ] [ 旋转 · H V 翻转 · 空格 电影播放 · K 关键图像
决定：A 认可 · R 申请复查，再按 1–9 选择原因</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="477"/>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="492"/>
        <source>Complete the sign-in in your web browser…</source>
        <translation>请在浏览器中完成登录…</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="571"/>
        <source>A platform refused a request although your sign-ins are valid. Try again.</source>
        <translation>平台拒绝了一次请求，但您的登录仍然有效。请重试。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="582"/>
        <source>The sign-in to %1 has ended: sign in to it again in the status bar.</source>
        <translation>%1 的登录已失效：请在状态栏重新登录该平台。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1171"/>
        <source>%1 names a server of a platform you are already signed in to; it was not added (its images could be fetched with the other platform&apos;s sign-in). Tell IT.</source>
        <translation>%1 声明的服务器属于您已登录的另一平台，未予添加（否则其影像可能借用另一平台的登录获取）。请告知信息科。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1184"/>
        <source>Signed in to %1 as well: its results join the timeline.</source>
        <translation>已同时登录 %1：其结果并入时间轴。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="1250"/>
        <source>A platform has a record that may be this patient&apos;s: search for her again and open her to confirm it.</source>
        <translation>有平台存在可能属于该患者的记录：请重新搜索并打开该患者以确认。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="435"/>
        <source>The settings could not be saved: %1</source>
        <translation>无法保存设置：%1</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="402"/>
        <source>Right button (middle button pans)</source>
        <translation>右键（中键平移）</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="518"/>
        <source>Browser sign-in cancelled</source>
        <translation>已取消浏览器登录</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="589"/>
        <source>Your session has ended. Please sign in again.</source>
        <translation>会话已结束，请重新登录。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="619"/>
        <source>Signed in to %1 · catalog %2</source>
        <translation>已登录 %1 · 互认目录 %2</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="679"/>
        <source>%n earlier decision(s) in this computer&apos;s journal cannot be read with its key (the keyring was reset?); they are kept but not sent.</source>
        <translation>
            <numerusform>本机决定记录中有 %n 条以前的决定无法用现有密钥读取（密钥环可能已被重置）；这些记录会保留，但不会发送。</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="727"/>
        <source>Signed out after three wrong passwords.</source>
        <translation>密码错误三次，已退出登录。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="761"/>
        <source>Signed out</source>
        <translation>已退出登录</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="809"/>
        <source>%1: %2, born %3, %4</source>
        <translation>%1：%2，出生日期 %3，%4</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="818"/>
        <source>Same patient?</source>
        <translation>是否同一患者？</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="820"/>
        <source>These records on other platforms have the same name, date of birth and sex but cannot be confirmed by an ID card number:

%1

Are they this patient? Their results are shown with hers only if you confirm.</source>
        <translation>其他平台上的以下记录姓名、出生日期、性别相同，但没有身份证号可以确认：

%1

是否为该患者本人？只有您确认后，其结果才与本患者一并显示。</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="824"/>
        <source>Same patient</source>
        <translation>是同一人</translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="825"/>
        <source>No, keep apart</source>
        <translation>不是，分开显示</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="949"/>
        <source>%n decision(s) waiting to send</source>
        <translation>
            <numerusform>%n 条结论等待上传</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="952"/>
        <source>%n saved mark object(s) waiting to send</source>
        <translation>
            <numerusform>%n 个已保存的标注对象待上传</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/main_window.py" line="956"/>
        <source>%n refused by the platform</source>
        <translation>
            <numerusform>%n 条被平台拒绝</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/main_window.py" line="961"/>
        <source>The platform refused a decision: %1</source>
        <translation>平台拒绝了一条结论：%1</translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <location filename="../../ui/messages.py" line="19"/>
        <source>Cannot reach the platform. Check the network and try again.</source>
        <translation>无法连接平台。请检查网络后重试。</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="20"/>
        <source>The platform did not answer in time. Try again.</source>
        <translation>平台响应超时，请重试。</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="21"/>
        <source>The platform&apos;s certificate is not trusted. Ask IT to check the CA bundle setting.</source>
        <translation>平台证书不受信任。请联系信息科检查 CA 证书设置。</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="22"/>
        <source>The platform has a problem right now. Try again shortly.</source>
        <translation>平台暂时出现问题，请稍后重试。</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="23"/>
        <source>Wrong user name or password, or your session has ended. Please sign in again.</source>
        <translation>用户名或密码错误，或会话已结束。请重新登录。</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="24"/>
        <source>Your account is not allowed to do this.</source>
        <translation>您的账号无权执行此操作。</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="25"/>
        <source>The record was not found on the platform.</source>
        <translation>平台上未找到该记录。</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="26"/>
        <source>The platform refused the request.</source>
        <translation>平台拒绝了请求。</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="27"/>
        <source>The platform sent an answer that cannot be read.</source>
        <translation>平台返回的内容无法解析。</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="28"/>
        <source>Refusing an unencrypted connection to a remote platform (use https).</source>
        <translation>拒绝与远程平台建立未加密连接（请使用 https）。</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="29"/>
        <source>The platform is busy and asked to try again later. Your work is kept and is sent automatically.</source>
        <translation>平台繁忙，要求稍后再试。您的操作已保存，将自动发送。</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="30"/>
        <source>You are not signed in to the platform that holds this record. Sign in to it (status bar) and try again; your decisions on it wait until then.</source>
        <translation>您尚未登录保存该记录的平台。请在状态栏登录后重试；对其结果的判定会保留，登录后自动发送。</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="31"/>
        <source>The platform pointed to another server. It was not contacted, so that your sign-in is not passed on to it. Tell IT if this keeps happening.</source>
        <translation>平台指向了另一台服务器。为避免您的登录凭据被转交，未连接该服务器。如反复出现，请告知信息科。</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="46"/>
        <source>The images could not be read from the disc or PACS: %1</source>
        <translation>未能从光盘或PACS读取图像：%1</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="51"/>
        <source>This image cannot be shown: %1</source>
        <translation>无法显示此图像：%1</translation>
    </message>
    <message>
        <location filename="../../ui/messages.py" line="53"/>
        <source>Unexpected error: %1</source>
        <translation>意外错误：%1</translation>
    </message>
</context>
<context>
    <name>PaperDialog</name>
    <message>
        <location filename="../../ui/paper_dialog.py" line="130"/>
        <source>Register paper report — %1</source>
        <translation>登记纸质报告 — %1</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="153"/>
        <source>Add a photo or scan of the paper report</source>
        <translation>请添加纸质报告的照片或扫描件</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="155"/>
        <source>Add photo or scan…</source>
        <translation>添加照片或扫描件…</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="158"/>
        <source>⟲ Turn left</source>
        <translation>⟲ 向左旋转</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="160"/>
        <source>⟳ Turn right</source>
        <translation>⟳ 向右旋转</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="162"/>
        <source>Whole page</source>
        <translation>整页</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="163"/>
        <source>Drag over the picture to crop; this undoes it</source>
        <translation>在图片上拖动可裁剪；点此取消裁剪</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="166"/>
        <source>Page </source>
        <translation>第 </translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="170"/>
        <source>Drag over the picture to crop it.</source>
        <translation>在图片上拖动以裁剪。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="195"/>
        <source>Pick the issuing hospital, or type its name</source>
        <translation>选择出具报告的医院，或输入其名称</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="208"/>
        <source>Item: type Chinese or pinyin initials (xcg)</source>
        <translation>项目：输入中文或拼音首字母（如 xcg）</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="214"/>
        <source>The paper carries the HR mark</source>
        <translation>纸质报告上有 HR 互认标识</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="229"/>
        <source>Conclusion as printed (optional)</source>
        <translation>报告上的结论（可选）</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="236"/>
        <source>Analyte</source>
        <translation>检验项目</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="237"/>
        <source>Value</source>
        <translation>结果</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="238"/>
        <source>Unit</source>
        <translation>单位</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="239"/>
        <source>Ref. low</source>
        <translation>参考下限</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="240"/>
        <source>Ref. high</source>
        <translation>参考上限</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="252"/>
        <source>Add value</source>
        <translation>添加结果</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="254"/>
        <source>Remove value</source>
        <translation>删除结果</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="267"/>
        <source>Hospital</source>
        <translation>医院</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="268"/>
        <source>Examined / sampled</source>
        <translation>检查/采样时间</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="269"/>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="271"/>
        <source>HR mark</source>
        <translation>HR 标识</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="272"/>
        <source>Conclusion</source>
        <translation>诊断意见</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="283"/>
        <source>Save and send</source>
        <translation>保存并上传</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="287"/>
        <source>Keep as draft</source>
        <translation>保留草稿</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="289"/>
        <source>Discard</source>
        <translation>放弃</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="391"/>
        <source>A draft kept earlier was restored.</source>
        <translation>已恢复之前保留的草稿。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="430"/>
        <source>Draft kept on this computer.</source>
        <translation>草稿已保存在本机。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="438"/>
        <source>The draft could not be kept: %1</source>
        <translation>草稿未能保存：%1</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="456"/>
        <source>Photo or scan of the paper report</source>
        <translation>纸质报告的照片或扫描件</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="463"/>
        <source>Reading the picture…</source>
        <translation>正在读取图片…</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="490"/>
        <source>The file is empty.</source>
        <translation>文件是空的。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="492"/>
        <source>The picture is too large to use (over 60 MB or 120 megapixels); scan or photograph it at a lower resolution.</source>
        <translation>图片过大（超过 60 MB 或 1.2 亿像素），无法使用；请以较低分辨率重新扫描或拍照。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="496"/>
        <source>The PDF page is more than 50 times longer than it is wide, which no report is; choose the scan of the report itself.</source>
        <translation>该 PDF 页面的长度超过宽度的 50 倍，不会是一份报告；请选择报告本身的扫描件。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="500"/>
        <source>The file is not a picture or PDF that can be read.</source>
        <translation>该文件不是可读取的图片或 PDF。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="514"/>
        <source>%1 · drag over the picture to crop it.</source>
        <translation>%1 · 在图片上拖动以裁剪。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="670"/>
        <source>Recognition rules: %1</source>
        <translation>互认规则：%1</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="677"/>
        <source>Add the photo or scan of the paper report.</source>
        <translation>请添加纸质报告的照片或扫描件。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="678"/>
        <source>Pick or type the issuing hospital.</source>
        <translation>请选择或输入出具报告的医院。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="679"/>
        <source>The hospital is not on the platform.</source>
        <translation>平台上没有该医院。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="680"/>
        <source>Enter the date and time of the examination.</source>
        <translation>请输入检查或采样的日期和时间。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="682"/>
        <source>The examination or sampling time is in the future: check the date.</source>
        <translation>检查或采样时间在未来，请核对日期。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="684"/>
        <source>Pick the item from the recognition catalog.</source>
        <translation>请从互认目录中选择项目。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="685"/>
        <source>The item is not in the recognition catalog.</source>
        <translation>该项目不在互认目录中。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="686"/>
        <source>Pick the region printed with the HR mark.</source>
        <translation>请选择互认标识上注明的地区。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="687"/>
        <source>The HR mark&apos;s region is not known.</source>
        <translation>互认标识的地区未知。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="688"/>
        <source>Enter at least one value from the paper.</source>
        <translation>请至少录入一项纸质报告上的结果。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="689"/>
        <source>The conclusion is too long.</source>
        <translation>结论过长。</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="690"/>
        <source>pick the analyte</source>
        <translation>请选择检验项目</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="691"/>
        <source>this analyte is not part of the item</source>
        <translation>该检验项目不属于所选互认项目</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="692"/>
        <source>this analyte is entered twice</source>
        <translation>该检验项目重复录入</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="693"/>
        <source>enter the value</source>
        <translation>请输入结果</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="694"/>
        <source>the value is not a number</source>
        <translation>结果不是数字</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="695"/>
        <source>enter the unit as printed</source>
        <translation>请按报告输入单位</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="696"/>
        <source>this unit does not fit the analyte</source>
        <translation>该单位与检验项目不符</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="698"/>
        <source>the value is outside what can be measured (%1–%2 %3): check the number and the unit</source>
        <translation>结果超出可测范围（%1–%2 %3），请核对数值和单位</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="701"/>
        <source>the reference range is not low–high</source>
        <translation>参考范围应为“下限–上限”</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="714"/>
        <source>Value %1 (%2): %3</source>
        <translation>第 %1 项（%2）：%3</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="727"/>
        <source>… and %1 more</source>
        <translation>……另有 %1 项</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="740"/>
        <source>Sending to the platform…</source>
        <translation>正在上传到平台…</translation>
    </message>
    <message>
        <location filename="../../ui/paper_dialog.py" line="779"/>
        <source>Not sent: %1 The draft is kept on this computer; send it again later.</source>
        <translation>未上传：%1 草稿已保存在本机，可稍后再次上传。</translation>
    </message>
</context>
<context>
    <name>PaperResults</name>
    <message>
        <location filename="../../ui/paper_results.py" line="131"/>
        <source>Loading the picture of the paper report…</source>
        <translation>正在载入纸质报告图片…</translation>
    </message>
    <message>
        <location filename="../../ui/paper_results.py" line="138"/>
        <source>The picture could not be loaded: %1</source>
        <translation>图片未能载入：%1</translation>
    </message>
    <message>
        <location filename="../../ui/paper_results.py" line="164"/>
        <source>Paper report, transcribed by %1 %2</source>
        <translation>纸质报告，由 %1 于 %2 录入</translation>
    </message>
    <message>
        <location filename="../../ui/paper_results.py" line="165"/>
        <source>View full size</source>
        <translation>查看大图</translation>
    </message>
    <message>
        <location filename="../../ui/paper_results.py" line="189"/>
        <source>Paper report</source>
        <translation>纸质报告</translation>
    </message>
</context>
<context>
    <name>PatientDiscs</name>
    <message>
        <location filename="../../ui/disc_studies.py" line="56"/>
        <source>Import disc or folder…</source>
        <translation>导入光盘/文件夹…</translation>
    </message>
    <message>
        <location filename="../../ui/disc_studies.py" line="58"/>
        <source>Add studies from the patient&apos;s CD, DVD or USB stick</source>
        <translation>从患者的光盘或U盘添加检查</translation>
    </message>
    <message>
        <location filename="../../ui/disc_studies.py" line="60"/>
        <source>Query PACS…</source>
        <translation>查询PACS…</translation>
    </message>
    <message>
        <location filename="../../ui/disc_studies.py" line="62"/>
        <source>Find this patient&apos;s studies in the PACS</source>
        <translation>在 PACS 中查找该患者的检查</translation>
    </message>
    <message>
        <location filename="../../ui/disc_studies.py" line="91"/>
        <source>Choose the disc or folder</source>
        <translation>选择光盘或文件夹</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/disc_studies.py" line="133"/>
        <source>%n study(ies) kept on this computer (encrypted)</source>
        <translation>
            <numerusform>已在本机加密保留 %n 项检查</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/disc_studies.py" line="136"/>
        <source>The disc&apos;s studies could not be kept: %1</source>
        <translation>未能保留光盘上的检查：%1</translation>
    </message>
    <message>
        <location filename="../../ui/disc_studies.py" line="156"/>
        <source>patient&apos;s own</source>
        <translation>患者自带</translation>
    </message>
</context>
<context>
    <name>PatientPage</name>
    <message>
        <location filename="../../ui/patient_page.py" line="154"/>
        <source>← Patients</source>
        <translation>← 患者</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="156"/>
        <source>Timeline</source>
        <translation>时间轴</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="160"/>
        <source>Show or hide the list of results</source>
        <translation>显示或隐藏结果列表</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="163"/>
        <source>Print summary…</source>
        <translation>打印摘要…</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="166"/>
        <source>Register paper report…</source>
        <translation>登记纸质报告…</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="168"/>
        <source>Enter a result the patient brought on paper</source>
        <translation>录入患者带来的纸质检查检验结果</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="220"/>
        <source>Lab values</source>
        <translation>检验结果</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="221"/>
        <source>Trends</source>
        <translation>趋势</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="305"/>
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="305"/>
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="306"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/patient_page.py" line="310"/>
        <source>%n year(s)</source>
        <translation>
            <numerusform>%n 岁</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="328"/>
        <location filename="../../ui/patient_page.py" line="329"/>
        <source>Loading results…</source>
        <translation>正在加载结果…</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="350"/>
        <source>Results of %1 are not shown: you are not signed in to it (status bar).</source>
        <translation>未显示 %1 的结果：您尚未登录该平台（见状态栏）。</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="352"/>
        <source>Results of %1 are not shown: the platform did not answer.</source>
        <translation>未显示 %1 的结果：该平台无响应。</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="358"/>
        <source>%1 of %2 results</source>
        <translation>已加载 %1 / %2 项结果</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/patient_page.py" line="375"/>
        <source>%n result(s)</source>
        <translation>
            <numerusform>共 %n 项结果</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="482"/>
        <source>You can read this record but not record a decision: your sign-in was not granted the right to write decisions (SMART scope user/Task.write). Ask the platform&apos;s administrators if you should have it.</source>
        <translation>您可以查阅此记录，但不能登记互认决定：本次登录未获授予写入决定的权限（SMART 权限范围 user/Task.write）。如您应有此权限，请联系平台管理员。</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="571"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="613"/>
        <source>Accept against the rules?</source>
        <translation>不符合互认条件，仍予采纳？</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="615"/>
        <source>This result does not meet the recognition rules: %1.

Accept it anyway, with no repeat? The medical record and the summary will say that it was accepted against the rules.</source>
        <translation>该结果不符合互认条件：%1。

仍予采纳、不再重复检查吗？病历记录和摘要将注明该结果不符合互认条件、经医师判断采纳。</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="621"/>
        <source>Accept anyway</source>
        <translation>仍予采纳</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="885"/>
        <source>no HR mark</source>
        <translation>无 HR 标识</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="891"/>
        <source>Findings</source>
        <translation>检查所见</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="892"/>
        <source>Conclusion</source>
        <translation>诊断意见</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="909"/>
        <source>The report has no text.</source>
        <translation>报告无文字内容。</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="462"/>
        <source>Key image kept (%1 for this result)</source>
        <translation>已保留关键图像（此结果共 %1 张）</translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="659"/>
        <source>Recognition summary</source>
        <translation>互认摘要</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/patient_page.py" line="739"/>
        <source>%n minute(s) ago</source>
        <translation>
            <numerusform>%n分钟前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/patient_page.py" line="741"/>
        <source>%n hour(s) ago</source>
        <translation>
            <numerusform>%n小时前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/patient_page.py" line="742"/>
        <source>%n day(s) ago</source>
        <translation>
            <numerusform>%n天前</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/patient_page.py" line="749"/>
        <source>collected %1 (%2)</source>
        <translation>采集于 %1（%2）</translation>
    </message>
</context>
<context>
    <name>PlatformsDialog</name>
    <message>
        <location filename="../../ui/platforms_dialog.py" line="28"/>
        <source>Platforms</source>
        <translation>平台</translation>
    </message>
    <message>
        <location filename="../../ui/platforms_dialog.py" line="37"/>
        <source>optional: path of a PEM CA bundle</source>
        <translation>可选：PEM 格式 CA 证书包路径</translation>
    </message>
    <message>
        <location filename="../../ui/platforms_dialog.py" line="40"/>
        <source>Add / update</source>
        <translation>添加 / 更新</translation>
    </message>
    <message>
        <location filename="../../ui/platforms_dialog.py" line="41"/>
        <source>Remove</source>
        <translation>删除</translation>
    </message>
    <message>
        <location filename="../../ui/platforms_dialog.py" line="46"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/platforms_dialog.py" line="47"/>
        <source>Base URL</source>
        <translation>地址</translation>
    </message>
    <message>
        <location filename="../../ui/platforms_dialog.py" line="48"/>
        <source>CA bundle</source>
        <translation>CA 证书</translation>
    </message>
    <message>
        <location filename="../../ui/platforms_dialog.py" line="81"/>
        <source>A platform needs a name and a base URL.</source>
        <translation>平台需要名称和地址。</translation>
    </message>
    <message>
        <location filename="../../ui/platforms_dialog.py" line="86"/>
        <source>Use https (plain http only for this computer).</source>
        <translation>请使用 https（仅本机地址可用 http）。</translation>
    </message>
</context>
<context>
    <name>PresetsDialog</name>
    <message>
        <location filename="../../ui/presets_dialog.py" line="51"/>
        <source>Brain</source>
        <translation>脑</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="52"/>
        <source>Subdural</source>
        <translation>硬膜下</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="53"/>
        <source>Stroke</source>
        <translation>卒中</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="54"/>
        <source>Lung</source>
        <translation>肺</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="55"/>
        <source>Mediastinum</source>
        <translation>纵隔</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="56"/>
        <source>Bone</source>
        <translation>骨</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="57"/>
        <source>Abdomen</source>
        <translation>腹部</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="58"/>
        <source>Liver</source>
        <translation>肝脏</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="59"/>
        <source>Soft tissue</source>
        <translation>软组织窗</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="66"/>
        <source>The preset has no name.</source>
        <translation>预设没有名称。</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="67"/>
        <source>The name is longer than 40 characters.</source>
        <translation>名称超过 40 个字符。</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="68"/>
        <source>Centre and width must be numbers.</source>
        <translation>窗位和窗宽必须是数字。</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="69"/>
        <source>The width must be at least 1.</source>
        <translation>窗宽至少为 1。</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="75"/>
        <source>Modality</source>
        <translation>模态</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="76"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="77"/>
        <source>Centre</source>
        <translation>窗位</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="78"/>
        <source>Width</source>
        <translation>窗宽</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="114"/>
        <source>The preset has no modality (such as CT).</source>
        <translation>预设没有模态（如 CT）。</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="226"/>
        <source>Another %1 preset already has this name.</source>
        <translation>已有同名的 %1 预设。</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="239"/>
        <source>Window presets</source>
        <translation>窗宽窗位预设</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="250"/>
        <source>Centre and width are in the modality&apos;s units (HU for CT). Names may have up to %1 characters.</source>
        <translation>窗位和窗宽使用模态单位（CT 为 HU）。名称最多 %1 个字符。</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="258"/>
        <source>Add</source>
        <translation>添加</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="259"/>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="260"/>
        <source>Restore defaults</source>
        <translation>恢复默认</translation>
    </message>
    <message>
        <location filename="../../ui/presets_dialog.py" line="314"/>
        <location filename="../../ui/presets_dialog.py" line="342"/>
        <source>Row %1: %2</source>
        <translation>第 %1 行：%2</translation>
    </message>
</context>
<context>
    <name>ReadingGrid</name>
    <message>
        <location filename="../../ui/reading_grid.py" line="84"/>
        <source>Cells side by side; drag a series into any cell; double-click a cell to show it alone</source>
        <translation>多窗格并排显示；可将序列拖入任一窗格；双击窗格单独显示</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="90"/>
        <source>Sync slices</source>
        <translation>同步层面</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="93"/>
        <source>Scroll all cells together. A prior from another hospital opens at the corresponding slice but untied: check it, align by eye if needed, then tick. Shift+↑/↓ or Shift+wheel moves one cell alone to correct the offset.</source>
        <translation>所有格子一起翻层。外院的既往检查在对应层面打开，但不联动：请先核对，必要时目测对齐，再勾选。Shift+↑/↓ 或 Shift+滚轮单独移动一个格子以校正偏移。</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="98"/>
        <source>Sync W/L</source>
        <translation>同步窗宽窗位</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="99"/>
        <source>Sync zoom</source>
        <translation>同步缩放</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="109"/>
        <source>Layout</source>
        <translation>布局</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="151"/>
        <source>Drag a series here from the strip</source>
        <translation>从缩略图栏拖入一个序列</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="311"/>
        <source>Not synced (loading)</source>
        <translation>载入中未同步</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="311"/>
        <source>Not synced while loading</source>
        <translation>载入中，层面未同步</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="316"/>
        <source>Not synced</source>
        <translation>未同步</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="316"/>
        <source>Slices not synced</source>
        <translation>层面未同步</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="325"/>
        <source>Beyond range</source>
        <translation>超出范围</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="327"/>
        <source>Synced, but beyond this scan&apos;s range</source>
        <translation>已同步，但超出本检查范围</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="330"/>
        <source>Synced %1 mm</source>
        <translation>已同步 %1 mm</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="333"/>
        <source>same frame of reference</source>
        <translation>同一参考坐标系</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="334"/>
        <source>matched by scan range</source>
        <translation>按扫描范围匹配</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="335"/>
        <source>matched by body part</source>
        <translation>按检查部位匹配</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="336"/>
        <source>aligned by you</source>
        <translation>由您对齐</translation>
    </message>
    <message>
        <location filename="../../ui/reading_grid.py" line="339"/>
        <source>Synced, offset %1 mm (%2)</source>
        <translation>已同步，偏移 %1 mm（%2）</translation>
    </message>
</context>
<context>
    <name>RegionStatisticsPage</name>
    <message>
        <location filename="../../ui/region_stats_page.py" line="51"/>
        <source>Recognition in the region</source>
        <translation>本区域检查检验结果互认</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="64"/>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="66"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="76"/>
        <source>Acceptance by issuing hospital (%)</source>
        <translation>各出具医院互认率（%）</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="77"/>
        <source>Repeat rate by item (%)</source>
        <translation>各项目复查率（%）</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="78"/>
        <source>Repeats by reason</source>
        <translation>复查原因（次数）</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="90"/>
        <location filename="../../ui/region_stats_page.py" line="264"/>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="91"/>
        <location filename="../../ui/region_stats_page.py" line="265"/>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="92"/>
        <location filename="../../ui/region_stats_page.py" line="266"/>
        <source>Decided</source>
        <translation>已判断</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="93"/>
        <location filename="../../ui/region_stats_page.py" line="267"/>
        <source>Accepted</source>
        <translation>互认</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="94"/>
        <location filename="../../ui/region_stats_page.py" line="270"/>
        <source>Accepted %</source>
        <translation>互认率 %</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="95"/>
        <location filename="../../ui/region_stats_page.py" line="271"/>
        <source>Repeated %</source>
        <translation>复查率 %</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="96"/>
        <location filename="../../ui/region_stats_page.py" line="269"/>
        <source>Refusals</source>
        <translation>不互认</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="97"/>
        <location filename="../../ui/region_stats_page.py" line="272"/>
        <source>Saved (yuan)</source>
        <translation>节省（元）</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="107"/>
        <source>From</source>
        <translation>日期从</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="109"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="159"/>
        <source>The period ends before it starts.</source>
        <translation>结束日期早于开始日期。</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="163"/>
        <source>Loading the region&apos;s figures…</source>
        <translation>正在加载本区域统计…</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="179"/>
        <source>
Of these, on paper reports: decided %1 · accepted %2 · repeats %3 · ¥%4</source>
        <translation>
其中纸质报告：已作结论 %1 · 互认 %2 · 重新检查 %3 · ¥%4</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="194"/>
        <source>Decided %1 · accepted %2 (%3%) · repeats %4 (%5%), of which refusals %6 · saved for patients ¥%7</source>
        <translation>已判断 %1 · 互认 %2（%3%）· 复查 %4（%5%），其中不互认 %6 · 为患者节省 ¥%7</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="207"/>
        <source>No decisions were recorded in the region in this period.</source>
        <translation>此期间本区域没有记录任何互认结论。</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="209"/>
        <source>No decisions in this period</source>
        <translation>此期间没有结论</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="232"/>
        <source>No repeats in this period</source>
        <translation>此期间没有复查</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="234"/>
        <location filename="../../ui/region_stats_page.py" line="273"/>
        <source>Region</source>
        <translation>全区域</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="235"/>
        <location filename="../../ui/region_stats_page.py" line="274"/>
        <source>Hospital</source>
        <translation>医院</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="236"/>
        <location filename="../../ui/region_stats_page.py" line="275"/>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="253"/>
        <location filename="../../ui/region_stats_page.py" line="276"/>
        <source>Repeat reason</source>
        <translation>复查原因</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="263"/>
        <source>Period</source>
        <translation>统计期间</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="268"/>
        <source>Repeated</source>
        <translation>复查</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="282"/>
        <source>Region recognition statistics</source>
        <translation>区域互认统计</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="291"/>
        <source>Export CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="292"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="309"/>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../../ui/region_stats_page.py" line="312"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
</context>
<context>
    <name>SearchPage</name>
    <message>
        <location filename="../../ui/search_page.py" line="50"/>
        <source>ID card number, name, medical record number or mobile phone</source>
        <translation>身份证号、姓名、病历号或手机号</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="61"/>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="62"/>
        <source>Gender</source>
        <translation>性别</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="63"/>
        <source>Age</source>
        <translation>年龄</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="64"/>
        <source>Date of birth</source>
        <translation>出生日期</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="65"/>
        <source>ID card</source>
        <translation>身份证号</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="66"/>
        <source>Medical record no.</source>
        <translation>病历号</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="67"/>
        <source>Hospitals with records</source>
        <translation>有记录的医院</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="68"/>
        <source>Platforms</source>
        <translation>平台</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="97"/>
        <source>Find a patient</source>
        <translation>查找患者</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="103"/>
        <source>Recent patients</source>
        <translation>最近患者</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="149"/>
        <source>✓ valid ID card number</source>
        <translation>✓ 身份证号有效</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/search_page.py" line="153"/>
        <source>ID card number: %n more character(s)</source>
        <translation>
            <numerusform>身份证号：还差 %n 位</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="157"/>
        <source>✗ check digit wrong: please re-check the number</source>
        <translation>✗ 校验码错误：请核对号码</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="160"/>
        <source>✗ not a valid ID card number</source>
        <translation>✗ 不是有效的身份证号</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="176"/>
        <source>Searching…</source>
        <translation>正在搜索…</translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/search_page.py" line="197"/>
        <source>%n year(s)</source>
        <translation>
            <numerusform>%n 岁</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <location filename="../../ui/search_page.py" line="214"/>
        <source>%n patient(s) found</source>
        <translation>
            <numerusform>找到 %n 位患者</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="247"/>
        <source>Records on: %1</source>
        <translation>有记录的平台：%1</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="251"/>
        <source>?: same name, date of birth and sex, no ID card number to confirm it: you are asked when you open the patient.</source>
        <translation>？：姓名、出生日期、性别相同，但无身份证号可确认；打开患者时会请您确认。</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="260"/>
        <source>⚠ A similar record that contradicts this one (same ID card number with another name or sex, or another ID card number) is NOT joined: %1</source>
        <translation>⚠ 有相似但相互矛盾的记录（同一身份证号但姓名或性别不同，或身份证号不同），未合并：%1</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="276"/>
        <source>not answering: %1</source>
        <translation>无响应：%1</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="299"/>
        <source>Male</source>
        <translation>男</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="299"/>
        <source>Female</source>
        <translation>女</translation>
    </message>
    <message>
        <location filename="../../ui/search_page.py" line="300"/>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
</context>
<context>
    <name>SeriesStrip</name>
    <message>
        <location filename="../../ui/series_strip.py" line="38"/>
        <source>Click to show a series; drag it into the second viewer to compare</source>
        <translation>单击显示该序列；拖到图像区可在第二个窗口中对比</translation>
    </message>
</context>
<context>
    <name>SignInMessages</name>
    <message>
        <location filename="../../ui/sign_in_messages.py" line="15"/>
        <source>Cannot reach the platform&apos;s FHIR server. Check the network and the platform address, then try again.</source>
        <translation>无法连接平台的 FHIR 服务器。请检查网络和平台地址后重试。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_messages.py" line="16"/>
        <source>The platform answers, but its sign-in service (identity provider) cannot be reached. Try again shortly, or tell IT.</source>
        <translation>平台可以访问，但其统一身份认证服务无法连接。请稍后重试，或联系信息科。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_messages.py" line="17"/>
        <source>The platform&apos;s FHIR server and its identity provider name different sign-in addresses, so the sign-in is refused as unsafe. Nothing was sent; tell IT.</source>
        <translation>平台的 FHIR 服务器与其统一身份认证服务给出的登录地址不一致，为安全起见已拒绝登录。未发送任何信息；请联系信息科。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_messages.py" line="18"/>
        <source>The sign-in could not be checked because this computer&apos;s clock and the platform&apos;s differ too much. Set the clock right (automatic time), then sign in again.</source>
        <translation>本机时钟与平台时钟相差过大，无法核验登录。请校准本机时间（设为自动同步）后重新登录。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_messages.py" line="19"/>
        <source>The sign-in answer came from another identity provider than this platform&apos;s. Nothing was accepted; tell IT.</source>
        <translation>登录应答来自其他身份认证服务，而非本平台的。未接受任何凭据，请联系信息科。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_messages.py" line="20"/>
        <source>The sign-in answer was meant for another application. Nothing was accepted; tell IT.</source>
        <translation>登录应答是发给其他应用的。未接受任何凭据，请联系信息科。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_messages.py" line="21"/>
        <source>The browser returned an answer to another sign-in. Nothing was accepted; sign in again.</source>
        <translation>浏览器返回的是另一次登录的应答。未接受任何凭据，请重新登录。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_messages.py" line="22"/>
        <source>The sign-in answer is not signed by the platform&apos;s identity provider. Nothing was accepted; tell IT.</source>
        <translation>登录应答并非由平台的身份认证服务签名。未接受任何凭据，请联系信息科。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_messages.py" line="23"/>
        <source>The platform&apos;s identity provider does not offer PKCE, so signing in through the browser would be unsafe and is refused. Ask the platform&apos;s administrators to enable PKCE (S256).</source>
        <translation>平台的身份认证服务不支持 PKCE，通过浏览器登录不安全，已拒绝。请联系平台管理员启用 PKCE（S256）。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_messages.py" line="24"/>
        <source>This platform takes no password here: click &quot;Sign in with browser…&quot; and sign in on the platform&apos;s own page.</source>
        <translation>此平台不在这里接受密码：请点击“通过浏览器登录…”，在平台自己的页面上登录。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_messages.py" line="25"/>
        <source>You are signed in at the identity provider, but it does not say which doctor you are on the platform (fhirUser). Ask the platform&apos;s administrators to link your account.</source>
        <translation>您已在身份认证服务登录，但它未说明您在平台上对应哪位医师（fhirUser）。请联系平台管理员关联您的账号。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_messages.py" line="26"/>
        <source>The sign-in in the browser was not completed in time. Sign in again when you are ready.</source>
        <translation>浏览器中的登录未在规定时间内完成。准备好后请重新登录。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in_messages.py" line="27"/>
        <source>The sign-in in the browser was cancelled or refused. Sign in again when you are ready.</source>
        <translation>浏览器中的登录已取消或被拒绝。准备好后请重新登录。</translation>
    </message>
</context>
<context>
    <name>SignInWidget</name>
    <message>
        <location filename="../../ui/sign_in.py" line="40"/>
        <source>Results Recognition Workstation</source>
        <translation>检查检验结果互认工作站</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="65"/>
        <source>Remember me on this computer</source>
        <translation>在本机记住我</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="67"/>
        <source>Keeps a sign-in token in the system keyring; your password is never stored.</source>
        <translation>在系统密钥环中保存登录令牌；绝不保存您的密码。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="69"/>
        <location filename="../../ui/sign_in.py" line="192"/>
        <source>Sign in with browser…</source>
        <translation>通过浏览器登录…</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="72"/>
        <source>Use the platform&apos;s own sign-in page (authorization code with PKCE)</source>
        <translation>使用平台自己的登录页面（授权码 + PKCE）</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="76"/>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="78"/>
        <source>Stop waiting for the sign-in in the browser</source>
        <translation>不再等待浏览器中的登录</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="80"/>
        <source>Platforms…</source>
        <translation>平台…</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="81"/>
        <location filename="../../ui/sign_in.py" line="190"/>
        <source>Sign in</source>
        <translation>登录</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="91"/>
        <source>Platform</source>
        <translation>平台</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="92"/>
        <source>User name</source>
        <translation>用户名</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="93"/>
        <source>Password</source>
        <translation>密码</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="123"/>
        <source>Sign in to %1</source>
        <translation>登录 %1</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="125"/>
        <source>Sign in to a results recognition platform</source>
        <translation>登录检查检验结果互认平台</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="141"/>
        <source>Enter your user name and password.</source>
        <translation>请输入用户名和密码。</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="174"/>
        <source>Waiting for the browser…</source>
        <translation>正在等待浏览器…</translation>
    </message>
    <message>
        <location filename="../../ui/sign_in.py" line="190"/>
        <source>Signing in…</source>
        <translation>正在登录…</translation>
    </message>
</context>
<context>
    <name>SourceStatus</name>
    <message>
        <location filename="../../ui/source_status.py" line="74"/>
        <source>signed in</source>
        <translation>已登录</translation>
    </message>
    <message>
        <location filename="../../ui/source_status.py" line="75"/>
        <source>signing in…</source>
        <translation>正在登录…</translation>
    </message>
    <message>
        <location filename="../../ui/source_status.py" line="76"/>
        <source>unreachable</source>
        <translation>无法连接</translation>
    </message>
    <message>
        <location filename="../../ui/source_status.py" line="77"/>
        <source>not signed in</source>
        <translation>未登录</translation>
    </message>
    <message>
        <location filename="../../ui/source_status.py" line="80"/>
        <source> (decisions)</source>
        <translation>（判定）</translation>
    </message>
    <message>
        <location filename="../../ui/source_status.py" line="91"/>
        <source>The platform you signed in to first: your journal, catalog and paper reports are kept here.</source>
        <translation>您首先登录的平台：您的判定日志、互认目录及纸质报告保存在此平台。</translation>
    </message>
    <message>
        <location filename="../../ui/source_status.py" line="96"/>
        <source>Your decisions on disc and PACS studies are recorded on this platform.</source>
        <translation>您对光盘及 PACS 检查的判定记录在此平台。</translation>
    </message>
    <message>
        <location filename="../../ui/source_status.py" line="99"/>
        <source>Click to sign in: its results join the patient&apos;s timeline.</source>
        <translation>点击登录：其结果将并入患者时间轴。</translation>
    </message>
    <message>
        <location filename="../../ui/source_status.py" line="101"/>
        <source>Click to sign out of this platform.</source>
        <translation>点击退出该平台。</translation>
    </message>
    <message>
        <location filename="../../ui/source_status.py" line="115"/>
        <source>Sign out of %1</source>
        <translation>退出 %1</translation>
    </message>
</context>
<context>
    <name>StatisticsDialog</name>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="47"/>
        <source>My recognition statistics</source>
        <translation>我的互认统计</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="67"/>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="67"/>
        <source>Decided</source>
        <translation>已判断</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="67"/>
        <source>Accepted %</source>
        <translation>互认率 %</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="72"/>
        <source>Repeat reasons</source>
        <translation>复查原因</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="75"/>
        <source>Export CSV…</source>
        <translation>导出 CSV…</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="81"/>
        <source>From</source>
        <translation>日期从</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="83"/>
        <source>to</source>
        <translation>至</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="115"/>
        <source>Reviewed %1 · accepted %2 · repeats %3 (refusals %4) · saved for patients ¥%5</source>
        <translation>已审阅 %1 · 互认 %2 · 复查 %3（不互认 %4）· 为患者节省 ¥%5</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="123"/>
        <source>Laboratory</source>
        <translation>检验</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="123"/>
        <source>Imaging</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="137"/>
        <source>No repeats in this period</source>
        <translation>此期间没有复查</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="144"/>
        <source>You recorded no decision on this computer between these dates. Decisions are counted from the day they are made; choose an earlier start date to see older ones.</source>
        <translation>此期间您在本机没有记录任何结论。结论按作出的日期统计；如需查看更早的结论，请选择更早的开始日期。</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="153"/>
        <source>My recognition decisions</source>
        <translation>我的互认结论</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="156"/>
        <source>Export CSV</source>
        <translation>导出 CSV</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="157"/>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="171"/>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../../ui/statistics_dialog.py" line="174"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
</context>
<context>
    <name>StudyAnnotationsPart</name>
    <message>
        <location filename="../../ui/study_annotations.py" line="327"/>
        <source>Key image (saved) · %1</source>
        <translation>关键图像（已保存）· %1</translation>
    </message>
    <message>
        <location filename="../../ui/study_annotations.py" line="431"/>
        <source>Marks cannot be saved here (no journal).</source>
        <translation>此处无法保存标注（没有本地记录库）。</translation>
    </message>
    <message>
        <location filename="../../ui/study_annotations.py" line="434"/>
        <source>Marks on a study from a disc or PACS stay in this session (its key images go into the printed summary); they are not sent to the platform.</source>
        <translation>光盘或PACS检查上的标注只保留在本次会话中（其关键图像会进入打印摘要），不会发送到平台。</translation>
    </message>
    <message>
        <location filename="../../ui/study_annotations.py" line="438"/>
        <source>Marks on a prior study are not saved yet; open it as the result.</source>
        <translation>对比的既往检查上的标注暂不能保存；请将其作为当前结果打开后再标注。</translation>
    </message>
    <message>
        <location filename="../../ui/study_annotations.py" line="444"/>
        <source>No marks or key images to save.</source>
        <translation>没有可保存的标注或关键图像。</translation>
    </message>
    <message>
        <location filename="../../ui/study_annotations.py" line="468"/>
        <source>Marks not saved: %1</source>
        <translation>标注未保存：%1</translation>
    </message>
    <message>
        <location filename="../../ui/study_annotations.py" line="485"/>
        <source>The previous patient&apos;s %1 mark(s) and %2 key image(s) were saved; they go to the platform.</source>
        <translation>上一位患者的 %1 处标注和 %2 幅关键图像已保存，将上传至平台。</translation>
    </message>
    <message>
        <location filename="../../ui/study_annotations.py" line="489"/>
        <source>Saved %1 mark(s) and %2 key image(s); they go to the platform.</source>
        <translation>已保存 %1 处标注和 %2 幅关键图像，将上传至平台。</translation>
    </message>
</context>
<context>
    <name>StudyImages</name>
    <message>
        <location filename="../../ui/study_images.py" line="152"/>
        <source>Saved annotations</source>
        <translation>已存标注</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="155"/>
        <source>The study&apos;s saved measurements, key images and presentation states</source>
        <translation>本检查已保存的测量、关键图像和显示状态</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="158"/>
        <source>Save marks</source>
        <translation>保存标注</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="161"/>
        <location filename="../../ui/study_images.py" line="332"/>
        <source>Save your marks and key images of this study to the platform (DICOM SR/KOS)</source>
        <translation>将您在本检查上的标注和关键图像保存到平台（DICOM SR/KOS）</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="170"/>
        <source>Cancel download</source>
        <translation>取消下载</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="175"/>
        <source>Show a prior study beside this one</source>
        <translation>在旁边显示既往检查</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="179"/>
        <source>Enlarge</source>
        <translation>放大图像</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="182"/>
        <source>Hide the timeline and the lab values to give the images the room</source>
        <translation>隐藏时间轴和检验结果，让图像占据更大空间</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="187"/>
        <source>Series</source>
        <translation>序列</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="193"/>
        <source>Compare with</source>
        <translation>对比</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="223"/>
        <source>— none —</source>
        <translation>— 无 —</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="226"/>
        <location filename="../../ui/study_images.py" line="381"/>
        <location filename="../../ui/study_images.py" line="495"/>
        <source>Loading images…</source>
        <translation>正在加载图像…</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="261"/>
        <source>This result has no images.</source>
        <translation>此结果没有图像。</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="325"/>
        <source>This study has no images.</source>
        <translation>此检查没有图像。</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="335"/>
        <source>This study is from a disc or PACS, not on the platform: your marks stay in this session and its key images go into the printed summary</source>
        <translation>此检查来自光盘或PACS，不在平台上：您的标注只保留在本次会话中，其关键图像会进入打印摘要</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="503"/>
        <source>Downloading images…</source>
        <translation>正在下载图像…</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="540"/>
        <source>This image cannot be shown: %1</source>
        <translation>无法显示此图像：%1</translation>
    </message>
    <message>
        <location filename="../../ui/study_images.py" line="639"/>
        <source>No new marks or key images to save.</source>
        <translation>没有新的标注或关键图像需要保存。</translation>
    </message>
</context>
<context>
    <name>SummaryDialog</name>
    <message>
        <location filename="../../ui/summary_dialog.py" line="69"/>
        <source>Print summary</source>
        <translation>打印摘要</translation>
    </message>
    <message>
        <location filename="../../ui/summary_dialog.py" line="97"/>
        <source>Preview and print…</source>
        <translation>预览并打印…</translation>
    </message>
    <message>
        <location filename="../../ui/summary_dialog.py" line="98"/>
        <source>Save PDF…</source>
        <translation>保存 PDF…</translation>
    </message>
    <message>
        <location filename="../../ui/summary_dialog.py" line="102"/>
        <source>Paper</source>
        <translation>纸张</translation>
    </message>
    <message>
        <location filename="../../ui/summary_dialog.py" line="109"/>
        <source>Results to include (default: those reviewed in this session)</source>
        <translation>要包含的结果（默认：本次审阅过的结果）</translation>
    </message>
    <message>
        <location filename="../../ui/summary_dialog.py" line="132"/>
        <source>Choose at least one result.</source>
        <translation>请至少选择一项结果。</translation>
    </message>
    <message>
        <location filename="../../ui/summary_dialog.py" line="134"/>
        <source>Preparing the summary…</source>
        <translation>正在生成摘要…</translation>
    </message>
    <message>
        <location filename="../../ui/summary_dialog.py" line="151"/>
        <source>Summary ready (%1 kB).</source>
        <translation>摘要已生成（%1 kB）。</translation>
    </message>
    <message>
        <location filename="../../ui/summary_dialog.py" line="158"/>
        <source>Save PDF</source>
        <translation>保存 PDF</translation>
    </message>
    <message>
        <location filename="../../ui/summary_dialog.py" line="158"/>
        <source>PDF documents (*.pdf)</source>
        <translation>PDF 文档 (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../ui/summary_dialog.py" line="174"/>
        <source>Saved %1</source>
        <translation>已保存 %1</translation>
    </message>
    <message>
        <location filename="../../ui/summary_dialog.py" line="177"/>
        <source>Not saved: %1</source>
        <translation>未保存：%1</translation>
    </message>
</context>
<context>
    <name>TimelineWidget</name>
    <message>
        <location filename="../../ui/timeline.py" line="114"/>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="115"/>
        <source>Laboratory</source>
        <translation>检验</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="116"/>
        <location filename="../../ui/timeline.py" line="589"/>
        <source>Imaging</source>
        <translation>检查</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="136"/>
        <source>From</source>
        <translation>日期从</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="160"/>
        <source>Filter: item, hospital, conclusion…</source>
        <translation>筛选：项目、医院、结论…</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="167"/>
        <location filename="../../ui/timeline.py" line="338"/>
        <source>Hospital</source>
        <translation>医院</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="171"/>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="166"/>
        <source>Item</source>
        <translation>项目</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="170"/>
        <source>HR mark</source>
        <translation>HR 标识</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="168"/>
        <source>Recognition</source>
        <translation>互认</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="121"/>
        <source>Only results from one platform, PACS or disc</source>
        <translation>只看来自某一平台、PACS或光盘的结果</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="128"/>
        <source>Valid only</source>
        <translation>仅看有效</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="130"/>
        <source>Only results within their validity window</source>
        <translation>只显示仍在有效期内的结果</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="131"/>
        <source>This item only</source>
        <translation>只看此项目</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="135"/>
        <source>Only results of the selected result&apos;s item</source>
        <translation>只显示与所选结果同一项目的结果</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="154"/>
        <source>Go to date</source>
        <translation>跳到日期</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="165"/>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="169"/>
        <source>Decision</source>
        <translation>结论</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="338"/>
        <source>Hospital · source</source>
        <translation>医院 · 来源</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="420"/>
        <source>All hospitals</source>
        <translation>全部医院</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="424"/>
        <source>All modalities</source>
        <translation>全部设备</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="441"/>
        <source>All sources</source>
        <translation>全部来源</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="516"/>
        <source>[Paper] %1</source>
        <translation>【纸质】%1</translation>
    </message>
    <message>
        <location filename="../../ui/source_names.py" line="17"/>
        <source>patient&apos;s own</source>
        <translation>患者自带</translation>
    </message>
    <message>
        <location filename="../../ui/source_names.py" line="19"/>
        <source>signed-in platform</source>
        <translation>登录平台</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="564"/>
        <source>valid for %1 h</source>
        <translation>有效期%1小时</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="567"/>
        <source>valid for %1 h, %2 h elapsed</source>
        <translation>有效期%1小时，已过%2小时</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="571"/>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="576"/>
        <source>Valid</source>
        <translation>有效</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="577"/>
        <source>Expired</source>
        <translation>已过期</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="578"/>
        <source>Not a recognized item</source>
        <translation>非互认项目</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="579"/>
        <source>No HR mark</source>
        <translation>无 HR 标识</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="580"/>
        <source>Out of region</source>
        <translation>非互认地区</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="581"/>
        <source>Hospital level too low</source>
        <translation>医院等级不足</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="587"/>
        <source>Lab</source>
        <translation>检验</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="590"/>
        <source>Other</source>
        <translation>其他</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="595"/>
        <source>✓ accepted</source>
        <translation>✓ 互认</translation>
    </message>
    <message>
        <location filename="../../ui/timeline.py" line="597"/>
        <source>↻ repeat</source>
        <translation>↻ 复查</translation>
    </message>
</context>
<context>
    <name>TrendPlot</name>
    <message numerus="yes">
        <location filename="../../ui/trend_plot.py" line="171"/>
        <source>%n earlier value(s) outside the view: zoom out with the wheel</source>
        <translation>
            <numerusform>视图外还有 %n 个更早的结果：滚轮缩小可见</numerusform>
        </translation>
    </message>
    <message>
        <location filename="../../ui/trend_plot.py" line="194"/>
        <source>its reference range</source>
        <translation>参考范围</translation>
    </message>
</context>
<context>
    <name>ViewerKeys</name>
    <message>
        <location filename="../../ui/viewer_keys.py" line="36"/>
        <source>previous slice</source>
        <translation>上一层</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="37"/>
        <source>next slice</source>
        <translation>下一层</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="38"/>
        <source>this cell alone one slice back (corrects the sync offset)</source>
        <translation>仅本格上一层（校正同步偏移）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="39"/>
        <source>this cell alone one slice on</source>
        <translation>仅本格下一层</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="40"/>
        <source>10 slices back</source>
        <translation>后退 10 层</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="41"/>
        <source>10 slices on</source>
        <translation>前进 10 层</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="42"/>
        <source>first slice</source>
        <translation>第一层</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="43"/>
        <source>last slice</source>
        <translation>最后一层</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="44"/>
        <source>the file&apos;s own window</source>
        <translation>文件自带的窗宽窗位</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="45"/>
        <source>invert</source>
        <translation>反色</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="46"/>
        <source>fit and reset the view</source>
        <translation>适应窗口并复位</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="47"/>
        <source>length tool: drag from end to end</source>
        <translation>长度工具：从一端拖到另一端</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="48"/>
        <source>angle tool: drag the first arm, click the third point</source>
        <translation>角度工具：拖出第一条边，再单击第三个点</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="49"/>
        <source>ellipse region tool: drag its box</source>
        <translation>椭圆区域工具：拖出外框</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="50"/>
        <source>rectangle region tool: drag its box</source>
        <translation>矩形区域工具：拖出外框</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="54"/>
        <source>leave the tool (left-drag pans again), deselect the mark</source>
        <translation>退出工具（左键拖动恢复平移），取消选中标注</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="61"/>
        <source>play or pause cine (held: left-drag pans)</source>
        <translation>播放或暂停电影（按住时左键拖动平移）</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="51"/>
        <source>arrow with text</source>
        <translation>箭头标注</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="52"/>
        <source>delete the selected mark</source>
        <translation>删除所选标记</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="53"/>
        <source>undo</source>
        <translation>撤销</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="55"/>
        <source>rotate clockwise</source>
        <translation>顺时针旋转</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="56"/>
        <source>rotate counter-clockwise</source>
        <translation>逆时针旋转</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="57"/>
        <source>flip left–right</source>
        <translation>左右翻转</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="58"/>
        <source>flip top–bottom</source>
        <translation>上下翻转</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="59"/>
        <source>hide or show the text over the image</source>
        <translation>隐藏/显示图像上的文字</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="60"/>
        <source>keep as key image</source>
        <translation>保存为关键图像</translation>
    </message>
    <message>
        <location filename="../../ui/viewer_keys.py" line="83"/>
        <source>window presets</source>
        <translation>窗宽窗位预设</translation>
    </message>
</context>
</TS>
