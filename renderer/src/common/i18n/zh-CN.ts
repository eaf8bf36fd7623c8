/** 简体中文：界面与报告的默认语言。每个键在 en-US 里都有对应（由测试保证）。 */
import wall from './wall.zh-CN';
import briefingMessages from './briefing.zh-CN';
import settings from './settings.zh-CN';
import imports from './import.zh-CN';

export default {
  app: {
    title: '网格化服务管理指挥中心',
    district: '广安区',
    demo: '演示数据',
  },
  nav: {
    wall: '大屏',
    compare: '对比',
    briefing: '周报研判',
    reports: '通报导出',
    import: '数据导入',
    settings: '设置',
  },
  bridge: {
    connecting: '正在连接主机…',
    connected: '主机已连接',
    disconnected: '与主机的连接已断开，正在重连',
    host: { electron: '桌面端', web: '网页端' },
  },
  sync: {
    idle: '尚未同步',
    syncing: '正在同步',
    live: '实时',
    reconnecting: '正在重连',
    offline: '离线',
    unauthorized: '令牌无效',
    error: '同步出错',
    progress: '{records} / {total} 条，{rate} 条/秒，约 {eta} 秒',
    progressNoTotal: '{records} 条，{rate} 条/秒',
    retry: '{seconds} 秒后重试',
    quarantined: '{n} 条记录校验未通过，已隔离',
    lastContact: '数据更新于 {time}',
  },
  syncProblem: {
    unauthorized: '中心接口拒绝了访问令牌，请在“设置”中填写正确的令牌。',
    forbidden: '中心接口已不再接受此令牌，请向平台运维人员申请新令牌。',
    unreachable: '无法连接中心接口，大屏继续显示本地缓存数据，正在重试。',
    server: '中心接口出错，正在重试。',
    bad_response: '中心接口返回的数据格式不符合约定，请联系平台运维人员。',
    cursor_too_old: '中心接口已没有本机缓存所需的变更记录，需要完整重新同步。',
    disk_full: '缓存所在磁盘已满，同步已暂停，缓存未受影响；清理空间后将自动继续。',
    read_only: '缓存文件无法写入，请检查文件夹权限或更换缓存位置。',
    io: '读写缓存文件出错，请检查磁盘；缓存未受影响。',
    cache_rebuilt: '本地缓存文件已损坏并已移到一旁，正在从中心接口重建。',
    internal: '同步出现内部错误，详情见日志。',
  },
  errors: {
    invalid_payload: '请求内容不符合约定，未被受理：{detail}',
    invalid_reply: '主机返回的数据不符合约定，已拒收：{detail}',
    unknown_request: '主机不认识这个请求：{detail}',
    unauthorized: '访问令牌缺失或错误，请向指挥中心索取正确的令牌后重新打开。',
    forbidden: '当前为只读大屏账号，不能查看案件明细、导出通报或修改设置；如需操作请使用操作员令牌。',
    rate_limited: '本机请求过于频繁，已被暂时限制，请稍后再试：{detail}',
    unavailable: '无法连接主机，请检查主机是否在运行：{detail}',
    timeout: '主机响应超时，请稍后重试。',
    internal: '主机内部出错，详情见主机日志。',
  },
  settings,
  imports,
  wall,
  ...briefingMessages,
  scope: {
    label: '当前范围',
    back: '返回{name}',
    unknown: '未找到区域 {id}，显示全区',
  },
  clock: {
    weekday: ['星期日', '星期一', '星期二', '星期三', '星期四', '星期五', '星期六'],
  },
};
